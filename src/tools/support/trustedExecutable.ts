import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { hostPathRules, inPerProcessPlace, type PathRules } from './pathRules';
import { isInsideRoots } from './workspacePaths';

/**
 * Where a program the tools start (git) comes from. Started by name, a program is found by the
 * system's own search: Windows looks in the current folder first whatever PATH says, and a PATH
 * holding `.`, an empty or relative entry, or a folder of the workspace finds a program the
 * repository committed (a `git` at its top runs in place of the real one). So the program is
 * looked up here, once, in trusted PATH entries only, and started by the absolute path found.
 *
 * PATH comes from the user's environment, never from the repository, so its entries are resolved
 * by the system's realpath only to see whether one leads into a workspace root (a link to
 * `/usr/bin` inside the workspace is as untrusted as the workspace itself).
 */

/** What the lookup needs from the machine; tests give it another platform's. */
export interface ExecutableHost {
  platform: NodeJS.Platform;
  /** How that platform reads and compares paths (pathRulesFor(platform)). */
  rules: PathRules;
  /** The real folder `entry` (absolute) names, or undefined when it is not a folder. */
  realFolder(entry: string): string | undefined;
  /** The real path of `file` when it is a regular file this process may run, or undefined. */
  realExecutable(file: string): string | undefined;
}

export const nodeExecutableHost: ExecutableHost = {
  platform: process.platform,
  rules: hostPathRules,
  realFolder(entry) {
    try {
      const real = realpathSync.native(entry);
      return statSync(real).isDirectory() ? real : undefined;
    } catch {
      return undefined;
    }
  },
  realExecutable(file) {
    try {
      const real = realpathSync.native(file);
      if (!statSync(real).isFile()) return undefined;
      if (process.platform !== 'win32') accessSync(real, constants.X_OK);
      return real;
    } catch {
      return undefined;
    }
  },
};

/**
 * The entries of `searchPath` (a PATH value) a program may be looked up in, in order, each as
 * its real folder: absolute (on Windows a drive or UNC path, never `\dir` or `C:dir`, which hang
 * off the current drive or folder), not empty, `.` or relative, not in a per-process place, and
 * neither written nor resolved inside a workspace root.
 */
export function trustedSearchPath(searchPath: string | undefined, roots: readonly string[], host: ExecutableHost = nodeExecutableHost): string[] {
  const paths = host.rules.path;
  const found: string[] = [];
  for (const raw of (searchPath ?? '').split(paths.delimiter)) {
    // Windows allows an entry in double quotes (`"C:\Program Files\Git\cmd"`).
    const entry = host.platform === 'win32' ? raw.replace(/^"(.*)"$/, '$1') : raw;
    if (!isAbsoluteEntry(entry, host.platform) || untrusted(paths.normalize(entry), roots, host.rules)) continue;
    const real = host.realFolder(entry);
    if (real === undefined || untrusted(real, roots, host.rules) || found.includes(real)) continue;
    found.push(real);
  }
  return found;
}

/**
 * The absolute path of program `name` in the first entry of `entries` (trustedSearchPath's) that
 * holds it, or undefined. On Windows only `name.exe` is taken: PATHEXT would also find a `.bat`
 * or `.cmd`, which runs through cmd.exe.
 */
export function findExecutable(name: string, entries: readonly string[], roots: readonly string[], host: ExecutableHost = nodeExecutableHost): string | undefined {
  const paths = host.rules.path;
  const file = host.platform === 'win32' ? `${name}.exe` : name;
  for (const entry of entries) {
    if (!isAbsoluteEntry(entry, host.platform)) continue;
    const candidate = paths.join(entry, file);
    const real = host.realExecutable(candidate);
    if (real !== undefined && !untrusted(real, roots, host.rules)) return candidate;
  }
  return undefined;
}

function isAbsoluteEntry(entry: string, platform: NodeJS.Platform): boolean {
  if (platform === 'win32') return /^[A-Za-z]:[\\/]/.test(entry) || /^[\\/]{2}[^\\/]+[\\/][^\\/]+/.test(entry);
  return entry.startsWith('/');
}

function untrusted(place: string, roots: readonly string[], rules: PathRules): boolean {
  return inPerProcessPlace(place, rules) || isInsideRoots(place, roots, rules);
}
