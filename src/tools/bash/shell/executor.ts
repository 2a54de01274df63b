import { Bash, InMemoryFs, MountableFs, OverlayFs, type CommandName, type CustomCommand, type IFileSystem } from 'just-bash';
import { searchCommands } from './fastSearch';
import { gitCommand, refusedGitCommand } from '../git/gitCommand';
import { MAX_FILE_READ_BYTES, MAX_OUTPUT_BYTES } from '../limits';
import { CallReadBudget, exhaustedMessage } from '../readBudget';
import { diskUsageCommand } from './diskUsage';
import { gnuFormatCommands } from './gnuFormat';
import { headCommand } from './prefixReads';
import { realpathCommand } from './realpath';
import { simulator } from './simulated';
import { builtin, guarded } from './runtimeGuard';
import { treeCommand } from './tree';
import { whichCommand } from './which';
import { findCommand } from './workspaceSearch';
import { xargsCommand } from './xargs';
import { outermostRoots } from '../../support/workspacePaths';
import { errorMessage } from '../../../protocol/errorMessage';

/**
 * The just-bash built-ins the gate may let through, each behind its guard; `cd` is a shell
 * built-in. xargs is reached through our wrapper of the same name (xargs.ts).
 */
const SIMULATED_COMMANDS: CommandName[] = [
  'cat', 'tail', 'file', 'stat', 'sort', 'cut', 'tr', 'nl', 'basename', 'dirname',
  'pwd', 'echo', 'printf', 'comm', 'sed', 'awk', 'jq', 'true', 'false',
];

/** Built-ins reached only through our wrappers of the same name (fast search, GNU layout, disk listings, reads of a file's start). */
const WRAPPED_COMMANDS: CommandName[] = ['grep', 'rg', 'uniq', 'wc', 'ls', 'diff', 'du', 'head'];

/**
 * Built-ins that our wrapper of the same name runs in this shell itself, so that what they run
 * (`find -exec`) passes the guards: find, widened to every root (workspaceSearch.ts).
 */
const WIDENED_COMMANDS: CommandName[] = ['find'];

export interface ExecutionRequest {
  script: string;
  cwd: string;
  /** Real absolute paths of the workspace roots. */
  roots: readonly string[];
  /** A question about the whole workspace: a recursive search without a path covers every root (workspaceSearch.ts). */
  searchesAllRoots?: boolean;
  /** Set when real git must not run (an untrusted workspace): a line that reaches git is refused with this reason. */
  gitUnavailable?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export type ExecutionResult =
  | { kind: 'exited'; stdout: string; stderr: string; exitCode: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'timedOut' }
  | { kind: 'cancelled' };

/**
 * Runs an already-gated command line in just-bash over a copy-on-write view of the workspace:
 * each root is mounted at its real absolute path, reads come from disk, writes land in memory
 * and are dropped with the shell. Nothing else of the host is visible; the only host processes
 * are ripgrep (argument arrays, no shell, no link following) and hardened read-only git.
 */
export async function execute(request: ExecutionRequest): Promise<ExecutionResult> {
  if (request.signal.aborted) return { kind: 'cancelled' };
  const fs = new MountableFs({ base: new InMemoryFs() });
  const reads = new CallReadBudget();
  // Mount points must not nest: a root inside another is visible through it.
  for (const root of outermostRoots(request.roots)) {
    fs.mount(root, guardedReads(new OverlayFs({ root, mountPoint: '/', allowSymlinks: true, maxFileReadSize: MAX_FILE_READ_BYTES }), reads));
  }
  const simulate = simulator(fs, request.cwd, WRAPPED_COMMANDS);
  const scope = { cwd: request.cwd, roots: request.roots, searchesAllRoots: request.searchesAllRoots ?? false };
  // git is reached through this one command, however the line gets there (`xargs git`, `find -exec git`).
  const refusedGit = request.gitUnavailable === undefined ? undefined : refusedGitCommand(request.gitUnavailable);
  const customCommands: CustomCommand[] = [
    ...SIMULATED_COMMANDS.map((name) => builtin(name)),
    xargsCommand,
    whichCommand,
    refusedGit?.command ?? gitCommand(request.roots),
    realpathCommand(request.roots),
    treeCommand(request.roots),
    ...searchCommands(simulate, scope),
    findCommand(scope),
    ...gnuFormatCommands(simulate, request.roots),
    diskUsageCommand(simulate, request.roots),
    headCommand(simulate),
  ];
  const bash = new Bash({
    fs,
    cwd: request.cwd,
    commands: [...SIMULATED_COMMANDS, ...WIDENED_COMMANDS, 'xargs'],
    // Every command passes the policy again with the arguments it receives when it runs.
    customCommands: customCommands.map((command) => guarded(command, request.roots)),
    env: { HOME: request.cwd, PWD: request.cwd, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    executionLimits: {
      // A backstop only: the timer below answers first, with the tool's own wording.
      maxExecutionTimeMs: request.timeoutMs + 1000,
      maxOutputSize: MAX_OUTPUT_BYTES,
      maxCommandCount: 1000,
      maxLoopIterations: 1000,
      maxCallDepth: 10,
    },
  });

  const controller = new AbortController();
  let stop: (result: ExecutionResult) => void = () => {};
  const stopped = new Promise<ExecutionResult>((resolve) => (stop = resolve));
  const onCancel = () => {
    controller.abort();
    stop({ kind: 'cancelled' });
  };
  request.signal.addEventListener('abort', onCancel, { once: true });
  // The interpreter stops at statement boundaries; a command stuck in one read is abandoned.
  const timer = setTimeout(() => {
    controller.abort();
    stop({ kind: 'timedOut' });
  }, request.timeoutMs);
  try {
    const run = bash.exec(request.script, { cwd: request.cwd, signal: controller.signal }).then(
      (result): ExecutionResult => ({ kind: 'exited', stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode }),
      (error: unknown): ExecutionResult => ({ kind: 'exited', stdout: '', stderr: describeFailure(error), exitCode: 1 }),
    );
    const result = await Promise.race([run, stopped]);
    // The whole line is refused, as the gate refuses one, so that the card and the model say why in one line.
    if (result.kind === 'exited' && refusedGit?.refused()) return { kind: 'refused', reason: request.gitUnavailable! };
    // The commands worded the refused reads their own way; say what happened once, last.
    if (result.kind === 'exited' && reads.exhausted) return { ...result, stderr: `${result.stderr}${exhaustedMessage}\n`, exitCode: result.exitCode || 1 };
    return result;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onCancel);
  }
}

/** An interpreter failure as one line for the model; nothing it did reached the disk. */
function describeFailure(error: unknown): string {
  const message = errorMessage(error);
  return `bash: ${message.split('\n')[0]!}`;
}

/**
 * Refuses to open anything but regular files (opening a FIFO blocks a libuv thread until a
 * writer appears, and a device may never end), and counts every file read against the call's
 * budget before it is read.
 */
function guardedReads(fs: IFileSystem, budget: CallReadBudget): IFileSystem {
  const guarded = new Set(['readFile', 'readFileBytes', 'readFileBuffer']);
  return new Proxy(fs, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !guarded.has(property) || typeof value !== 'function') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (file: string, ...rest: unknown[]) => {
        const stat = await target.stat(file);
        if (!stat.isFile && !stat.isDirectory) throw new Error(`EINVAL: not a regular file, read '${file}'`);
        if (stat.isFile) budget.spend(stat.size, file);
        return (value as (...args: unknown[]) => unknown).apply(target, [file, ...rest]);
      };
    },
  });
}
