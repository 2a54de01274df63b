// Builds llama.cpp's own tools (llama-bench, llama-server, llama-quantize) from the source that
// node-llama-cpp ships (llama/gitRelease.bundle), CPU only, into a cache outside the clone keyed by
// the node-llama-cpp version, so that benchmarks compare our engine with the very llama.cpp it
// runs. Static binaries tuned for this CPU (GGML_NATIVE), as llama.cpp's own benchmark is
// meant to be built. Built once (measured: 6 minutes on two quiet cores, 29 on busy ones); later runs
// print the cached folder at once.
// Usage: node scripts/llama-cpp/build.mjs   (prints the folder that holds the binaries)
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAlive } from '../processAlive.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE = join(ROOT, 'node_modules', 'node-llama-cpp');
export const TOOLS = ['llama-bench', 'llama-server', 'llama-quantize'];
const COMPLETE_MARKER = '.built';

/** The cache folder for this node-llama-cpp version's llama.cpp; its bin/ holds the tools once built. */
export function llamaCppDir() {
  const version = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).version;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'locooperator-llama-cpp', `node-llama-cpp-${version}`);
}

export function ensureLlamaCpp() {
  const dir = llamaCppDir();
  if (existsSync(join(dir, COMPLETE_MARKER))) return join(dir, 'bin');
  // Test files that need llama-server start at once: one builds, the others wait for its result.
  mkdirSync(dirname(dir), { recursive: true });
  const release = buildLock(`${dir}.lock`);
  try {
    if (existsSync(join(dir, COMPLETE_MARKER))) return join(dir, 'bin');
    return build(dir);
  } finally {
    release();
  }
}

/** Holds `file` while this process builds; waits while a live process holds it, takes it from a dead one. */
function buildLock(file) {
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (!isAlive(holder(file))) rmSync(file, { force: true });
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
  }
}

/** The pid in the lock file; 0 (taken as alive) while the holder has yet to write it or has just let go. */
function holder(file) {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
}

function build(dir) {
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const source = join(staging, 'source');
  run('git', ['clone', '--quiet', join(PACKAGE, 'llama', 'gitRelease.bundle'), source]);
  const build = join(staging, 'build');
  run('cmake', ['-S', source, '-B', build, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', '-DLLAMA_CURL=OFF', '-DLLAMA_BUILD_TESTS=OFF', '-DLLAMA_BUILD_EXAMPLES=OFF', '-DGGML_NATIVE=ON', '-DBUILD_SHARED_LIBS=OFF']);
  run('cmake', ['--build', build, '-j', String(Math.max(1, availableParallelism())), '--target', ...TOOLS]);
  mkdirSync(join(staging, 'bin'));
  for (const tool of TOOLS) renameSync(join(build, 'bin', tool), join(staging, 'bin', tool));
  // gguf-py (the GGUF writer) is kept for the same-shape model generator; the rest of the source goes.
  renameSync(join(source, 'gguf-py'), join(staging, 'gguf-py'));
  rmSync(source, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
  writeFileSync(join(staging, COMPLETE_MARKER), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return join(dir, 'bin');
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  const bin = ensureLlamaCpp();
  process.stderr.write(`[llama-cpp] ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
  process.stdout.write(`${bin}\n`);
}
