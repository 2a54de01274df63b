export interface ClosureMember {
  path: string;
  name: string;
  version: string;
  integrity: string;
}
export const RUNTIME_MODULES: string[];
export const BUILD_ONLY_MODULES: string[];
export function runtimeClosure(lockfile: unknown, target: string, roots?: string[]): ClosureMember[];
export function lockfileClosure(lockfile: unknown, target: string, paths: string[]): ClosureMember[];
export function packageName(path: string): string;
