// Which installed packages a target runs, read from package-lock.json: the lockfile records every
// platform's optional packages with their exact version, integrity and `os`/`cpu`/`libc` fields,
// so one machine can work out (and fetch) what another platform's install would hold.
import { posix } from 'node:path';
import { LLAMA_SCOPE, TARGETS, packageRunsOn } from './targets.mjs';

/** Modules loaded from node_modules at run time (everything else is in the bundles). */
export const RUNTIME_MODULES = ['node-llama-cpp', '@vscode/ripgrep'];

/**
 * Dependencies of node-llama-cpp used only to build llama.cpp from source, which the model host
 * never does (it asks for prebuilt binaries only); node-llama-cpp runs cmake-js as a separate
 * process for such builds and never imports any of them.
 */
export const BUILD_ONLY_MODULES = ['cmake-js', 'node-addon-api', 'node-api-headers'];

/**
 * The lockfile entries (`{ path, name, version, integrity }`, `path` as the lockfile writes it,
 * e.g. `node_modules/proper-lockfile/node_modules/retry`) that `roots` need at run time on
 * `target`, sorted by path. Optional packages for other platforms are left out; a required one
 * the lockfile lacks is an error.
 */
export function runtimeClosure(lockfile, target, roots = RUNTIME_MODULES) {
  const entries = lockfile.packages ?? {};
  const paths = roots.map((name) => {
    if (!entries[`node_modules/${name}`]) throw new Error(`package-lock.json does not hold ${name}`);
    return `node_modules/${name}`;
  });
  const members = lockfileClosure(lockfile, target, paths);
  for (const variant of TARGETS[target].llama) {
    if (!members.some((member) => member.path === `node_modules/${LLAMA_SCOPE}${variant}`)) {
      throw new Error(`package-lock.json does not hold ${LLAMA_SCOPE}${variant}, which ${target} loads`);
    }
  }
  return members;
}

/**
 * The closure of the lockfile entries at `paths` (lockfile paths of installed packages) on
 * `target`, as `runtimeClosure` describes it.
 */
export function lockfileClosure(lockfile, target, paths) {
  if (!TARGETS[target]) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
  const entries = lockfile.packages ?? {};
  const found = new Map();
  const visit = (path) => {
    if (found.has(path)) return;
    const entry = entries[path];
    const name = packageName(path);
    if (!packageRunsOn({ ...entry, name }, target)) return;
    found.set(path, { path, name, version: entry.version, integrity: entry.integrity });
    const optional = entry.optionalDependencies ?? {};
    for (const dependency of Object.keys({ ...entry.dependencies, ...optional })) {
      if (BUILD_ONLY_MODULES.includes(dependency)) continue;
      const resolved = resolveInLockfile(entries, dependency, path);
      if (resolved) visit(resolved);
      else if (!(dependency in optional)) throw new Error(`${name} needs ${dependency}, which package-lock.json does not hold`);
    }
  };
  for (const path of paths) {
    if (!entries[path]) throw new Error(`package-lock.json does not hold ${path}`);
    visit(path);
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function packageName(path) {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Node's lookup over the lockfile's paths: the nearest node_modules/NAME walking up from `from`. */
function resolveInLockfile(entries, name, from) {
  for (let dir = from; ; dir = posix.dirname(dir)) {
    const candidate = dir === '.' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (entries[candidate]) return candidate;
    if (dir === '.') return undefined;
  }
}
