import { spawn, spawnSync, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import { errorMessage } from '../../protocol/errorMessage';

/**
 * The one way the tools start a program (ripgrep, git): the call that starts it owns it, and
 * nothing it starts outlives the call. A child runs in a process group of its own, so that its
 * whole tree ends with one signal; its pid is recorded where the thread that owns the call can
 * read it synchronously (the Bash tool's host thread, when it terminates the worker thread the
 * child was started from, or this process on its way out); on Linux it runs with an
 * address-space limit, so that no repository can make it take the machine's memory.
 */

/**
 * The address space a child may map on Linux. ripgrep holds a whole line in memory, and a
 * sparse file of zeros searched with -a is one line of gigabytes: it reached 16 GB. Under this
 * limit its allocation fails and it stops with "memory allocation of N bytes failed";
 * `--mmap` of a file larger than this falls back to reading (checked on a 4 GB sparse file).
 * The limit is on address space, not resident memory, so it also counts reserved thread stacks:
 * 2 GB leaves ripgrep's and git's ordinary work far below it.
 */
export const CHILD_ADDRESS_SPACE_BYTES = 2 * 1024 ** 3;

/** util-linux's setpriv where it is installed, looked for once. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => process.platform === 'linux' && existsSync(file));

/**
 * How the limit is set: a POSIX shell's `ulimit -v`, then `exec` of the program itself, so the
 * program keeps the shell's pid (its process group, its recorded pid) and the limit, and the
 * shell is gone before the program reads anything. /bin/sh exists on every Linux, where
 * prlimit(1) and setpriv(1) come with util-linux and may be missing; Node has no setrlimit for a
 * child. The script is fixed text and the program and its arguments are positional parameters,
 * never parsed by the shell. A `ulimit` that fails (the hard limit is already lower) leaves the
 * lower limit in force, so the program runs anyway.
 */
const LIMITED_START = `ulimit -v ${CHILD_ADDRESS_SPACE_BYTES / 1024} 2>/dev/null; exec ${killedWithParent('"$0"', ['"$@"']).join(' ')}`;

/**
 * A host killed outright (SIGKILL, a crash) runs no exit handler, and a program in a process
 * group of its own would outlive it: where util-linux's setpriv is installed, the kernel kills
 * the program when the thread that started it ends. The flag survives the exec of the program.
 */
function killedWithParent(file: string, args: readonly string[]): [string, ...string[]] {
  return SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', file, ...args] : [file, ...args];
}

/** Children one thread may have running at once; a call runs a few at most (a pipeline, git's config checks). */
const SLOT_COUNT = 256;

/**
 * The pids of the children one thread has started and not yet seen end, in memory that another
 * thread can read while the owner is stuck or gone: a message posted by a worker that is being
 * terminated never arrives, this buffer is read at once.
 */
export class ChildSlots {
  private readonly pids: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT)) {
    this.pids = new Int32Array(buffer);
  }

  /** Records a pid; false when every slot is taken. */
  add(pid: number): boolean {
    for (let slot = 0; slot < this.pids.length; slot++) {
      if (Atomics.compareExchange(this.pids, slot, 0, pid) === 0) return true;
    }
    return false;
  }

  remove(pid: number): void {
    for (let slot = 0; slot < this.pids.length; slot++) Atomics.compareExchange(this.pids, slot, pid, 0);
  }

  live(): number[] {
    const pids: number[] = [];
    for (let slot = 0; slot < this.pids.length; slot++) {
      const pid = Atomics.load(this.pids, slot);
      if (pid !== 0) pids.push(pid);
    }
    return pids;
  }

  /**
   * Kills the tree of every child recorded here. A slot stays set until its owner sees the
   * child end, so a pid here may belong to a child already gone but not yet noticed: the
   * signal goes to its process group, which is empty then (the kernel does not reuse a pid
   * while a group of that id has members).
   */
  killAll(options: { wait?: boolean } = {}): void {
    for (const pid of this.live()) killTree(pid, options);
  }
}

/** This thread's children: a worker thread's are in the buffer its host gave it (recordChildrenIn). */
let children = new ChildSlots();
/** Every thread's children, killed when this process exits (read in the main thread only). */
const killedOnExit = new Set<ChildSlots>([children]);

if (isMainThread) {
  // 'exit' handlers run synchronously, so every kill here is too (taskkill waited for on Windows).
  process.on('exit', () => {
    for (const slots of killedOnExit) slots.killAll({ wait: true });
  });
}

/** Makes this thread record its children in slots that its host reads (a worker's first act). */
export function recordChildrenIn(slots: ChildSlots): void {
  children = slots;
}

/** Kills the children recorded in slots if this process exits while they run (a worker's, read by its host). */
export function killOnExit(slots: ChildSlots): () => void {
  killedOnExit.add(slots);
  return () => killedOnExit.delete(slots);
}

export interface OwnedSpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * False for a program that opens no file it could be made to hold in memory (ripgrep listing
   * names): it starts without the shell that sets the address-space limit, a millisecond sooner.
   */
  readsFiles?: boolean;
}

/** An owned child: no input, its output and errors read through pipes. */
export type OwnedChild = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Starts a program owned by the calling thread: in its own process group (POSIX), recorded in
 * this thread's slots until it ends, under the address-space limit (Linux). Throws spawn's
 * ENOENT for a missing program, and refuses to start one more than SLOT_COUNT, which nothing
 * could stop.
 */
export function spawnOwned(file: string, args: readonly string[], options: OwnedSpawnOptions): OwnedChild {
  const { platform } = process;
  const owner = children;
  if (owner.live().length >= SLOT_COUNT) throw new Error(`more than ${SLOT_COUNT} programs running at once`);
  // Through the shell a missing program would be the shell's exit status 127; callers tell
  // "not installed" by spawn's ENOENT, so it is raised here as spawn would.
  if (platform === 'linux' && path.isAbsolute(file)) accessSync(file, constants.X_OK);
  const [command, ...argv]: [string, ...string[]] =
    platform !== 'linux' ? [file, ...args] : options.readsFiles === false ? killedWithParent(file, args) : ['/bin/sh', '-c', LIMITED_START, file, ...args];
  // detached on POSIX is setsid(): a new process group whose id is the child's pid. On Windows it
  // would give the child a console of its own instead; taskkill /T finds the tree there.
  const child = spawn(command, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: platform !== 'win32', windowsHide: true });
  const pid = child.pid;
  if (pid !== undefined) {
    // Nothing runs between spawn and this line on this thread, so a terminated worker can miss
    // a child only if V8 stops it exactly here.
    owner.add(pid);
    child.once('exit', () => owner.remove(pid));
  }
  return child;
}

/** Kills a child started by spawnOwned with everything it started, now. */
export function killOwned(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killTree(child.pid);
}

/** How a process tree is killed on a platform. */
export type TreeKill = { kind: 'group'; pid: number } | { kind: 'program'; file: string; args: string[] };

/**
 * POSIX: SIGKILL to the process group (the child's pid, as spawnOwned made it a leader).
 * Windows has no groups to signal: taskkill /T walks the tree by parent pid. It is named by its
 * absolute path in the system folder, since Windows looks for a bare name in the current
 * folder first, which may be the workspace.
 */
export function treeKill(pid: number, platform: NodeJS.Platform = process.platform, systemRoot = process.env.SystemRoot): TreeKill {
  if (platform !== 'win32') return { kind: 'group', pid };
  return { kind: 'program', file: path.win32.join(systemRoot ?? 'C:\\Windows', 'System32', 'taskkill.exe'), args: ['/PID', String(pid), '/T', '/F'] };
}

function killTree(pid: number, options: { wait?: boolean } = {}): void {
  const how = treeKill(pid);
  if (how.kind === 'group') {
    try {
      process.kill(-how.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group has ended already.
    }
    return;
  }
  if (options.wait) spawnSync(how.file, how.args, { stdio: 'ignore', windowsHide: true });
  else spawn(how.file, how.args, { stdio: 'ignore', windowsHide: true }).on('error', () => {});
}

export interface OwnedRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Characters of stdout or stderr kept; past this the program is killed. */
  maxBuffer: number;
  signal?: AbortSignal;
}

/** How a run failed, in the shape of child_process.execFile's error: `code` is the exit status, or a string naming what went wrong. */
export interface OwnedRunError extends Error {
  code?: number | string | null;
}

/**
 * child_process.execFile for an owned program: its output gathered as UTF-8 text, the callback
 * called once with execFile's error codes (the exit status; 'ENOENT'; 'ABORT_ERR' when the
 * signal aborts; 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'), and the whole tree killed on abort or
 * overflow.
 */
export function execFileOwned(
  file: string,
  args: readonly string[],
  options: OwnedRunOptions,
  callback: (error: OwnedRunError | null, stdout: string, stderr: string) => void,
): void {
  const { signal, maxBuffer } = options;
  let failure: OwnedRunError | undefined;
  let child: OwnedChild;
  try {
    signal?.throwIfAborted();
    child = spawnOwned(file, args, { cwd: options.cwd, env: options.env });
  } catch (error) {
    const code = signal?.aborted ? 'ABORT_ERR' : ((error as NodeJS.ErrnoException).code ?? 'ERR_CHILD_PROCESS_SPAWN');
    queueMicrotask(() => callback(runError(code, errorMessage(error)), '', ''));
    return;
  }
  const fail = (code: string, message: string) => {
    failure ??= runError(code, message);
    killOwned(child);
  };
  const onAbort = () => fail('ABORT_ERR', 'The operation was aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  const output = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8');
    child[stream].on('data', (chunk: string) => {
      output[stream] += chunk;
      if (output[stream].length > maxBuffer) {
        output[stream] = output[stream].slice(0, maxBuffer);
        fail('ERR_CHILD_PROCESS_STDIO_MAXBUFFER', `${stream} maxBuffer length exceeded`);
      }
    });
  }
  let done = false;
  const finish = (error: OwnedRunError | null) => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', onAbort);
    callback(error, output.stdout, output.stderr);
  };
  child.on('error', (error: NodeJS.ErrnoException) => finish(runError(error.code ?? 'ERR_CHILD_PROCESS_SPAWN', error.message)));
  child.on('close', (status) => {
    if (failure) finish(failure);
    else if (status === 0) finish(null);
    else finish(runError(status, `${path.basename(file)} exited with ${status === null ? 'a signal' : `status ${status}`}`));
  });
}

function runError(code: number | string | null, message: string): OwnedRunError {
  return Object.assign(new Error(message), { code });
}
