export interface Target {
  os: string;
  cpu: string;
  libc?: string;
  llama: string[];
  binary: { format: 'elf' | 'macho' | 'pe'; arch: string };
}
export const repoRoot: string;
export const TARGETS: Record<string, Target>;
export const LLAMA_SCOPE: string;
export function hostTarget(): string | undefined;
export function vsixPath(name: string, version: string, target: string): string;
export function npmTarballPath(name: string, version: string): string;
export const downloadCache: string;
export function packageRunsOn(pkg: { name?: string; os?: string[]; cpu?: string[]; libc?: string[] }, target: string): boolean;
