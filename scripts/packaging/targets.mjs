// The platforms a VSIX is built for, what each one's runtime loads, and where the packages land.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Each VS Code target with the values npm's `os`/`cpu`/`libc` fields are matched against, and
 * node-llama-cpp's prebuilt back-ends for it (`@node-llama-cpp/<variant>`; node-llama-cpp picks
 * one by platform, architecture and GPU). CPU everywhere; Vulkan where it exists, since it drives
 * NVIDIA, AMD and Intel GPUs alike; Metal on Apple silicon. The CUDA builds (about 550 MB for
 * Linux) would multiply the download for one vendor's GPUs; Vulkan already covers them.
 * `binary` is what a native file built for the target is: its container format and CPU.
 */
export const TARGETS = {
  'linux-x64': { os: 'linux', cpu: 'x64', libc: 'glibc', llama: ['linux-x64', 'linux-x64-vulkan'], binary: { format: 'elf', arch: 'x64' } },
  'linux-arm64': { os: 'linux', cpu: 'arm64', libc: 'glibc', llama: ['linux-arm64'], binary: { format: 'elf', arch: 'arm64' } },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64', llama: ['mac-arm64-metal'], binary: { format: 'macho', arch: 'arm64' } },
  'darwin-x64': { os: 'darwin', cpu: 'x64', llama: ['mac-x64'], binary: { format: 'macho', arch: 'x64' } },
  'win32-x64': { os: 'win32', cpu: 'x64', llama: ['win-x64', 'win-x64-vulkan'], binary: { format: 'pe', arch: 'x64' } },
  'win32-arm64': { os: 'win32', cpu: 'arm64', llama: ['win-arm64'], binary: { format: 'pe', arch: 'arm64' } },
};

export const LLAMA_SCOPE = '@node-llama-cpp/';

/** The target of the machine this runs on, when it is one of ours. */
export function hostTarget() {
  const name = `${process.platform}-${process.arch}`;
  return name in TARGETS ? name : undefined;
}

/** Where `npm run package` writes a target's VSIX. */
export function vsixPath(name, version, target) {
  return join(repoRoot, 'out', 'vsix', `${name}-${target}-${version}.vsix`);
}

/** Where `npm run package:npm` writes the CLI's npm tarball (`npm pack`'s own file name). */
export function npmTarballPath(name, version) {
  return join(repoRoot, 'out', 'npm', `${name}-${version}.tgz`);
}

/**
 * Registry tarballs of other platforms' packages, kept outside the clone so that every packaging
 * run (and a fresh CI clone on the same machine) downloads each one once.
 */
export const downloadCache = process.env.LOCOOPERATOR_PACKAGING_CACHE
  ? resolve(process.env.LOCOOPERATOR_PACKAGING_CACHE)
  : join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'locooperator-packaging');

/** Whether a package's `os`, `cpu` and `libc` fields (npm's rule: a list, `!` excludes) allow the target. */
export function packageRunsOn(pkg, target) {
  const platform = TARGETS[target];
  if (pkg.name?.startsWith(LLAMA_SCOPE)) return platform.llama.includes(pkg.name.slice(LLAMA_SCOPE.length));
  const allows = (list, value) => {
    if (!list || list.length === 0) return true;
    if (list.includes(`!${value}`)) return false;
    return list.includes(value) || list.every((entry) => entry.startsWith('!'));
  };
  return allows(pkg.os, platform.os) && allows(pkg.cpu, platform.cpu) && (!platform.libc || !pkg.libc || allows(pkg.libc, platform.libc));
}
