import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BashDone, type BashRun, type BashWorkerStart } from '../../../protocol/bashWorker';
import { ChildSlots, killOnExit } from '../../support/ownedProcess';
import { formatOutput } from './output';

export type BashOutcome = BashDone | { kind: 'cancelled' };

/**
 * The worker's heap limit: a command that fills memory ends its worker, not the extension host
 * shared by every extension. Generous next to what one command may hold (a 32 MB file read,
 * 32 MB of output).
 */
const WORKER_HEAP_MB = 1024;

/**
 * How long the warm worker waits for the next command: the calls of one question come seconds
 * apart, and an idle worker holds about 60 MB.
 */
const IDLE_RELEASE_MS = 5 * 60_000;

/**
 * How long a worker whose programs were killed may go on before it is terminated: long enough
 * for its event loop to collect their exit (a worker waiting on ripgrep does so within
 * milliseconds), since once it is gone nobody waits for them and each would stay a zombie until
 * the host exits. A worker stuck in synchronous code cannot collect them either way.
 */
const REAP_GRACE_MS = 200;
const REAP_POLL_MS = 10;

/**
 * The worker bundle beside the bundle running this code (dist/agentRuntime.js and dist/cli.js
 * both sit in dist/ with it). Runs from TypeScript sources have no bundle beside them: the test
 * set-up builds one and names it in LOCOOPERATOR_BASH_WORKER.
 */
export function defaultWorkerScript(): string {
  return process.env.LOCOOPERATOR_BASH_WORKER ?? path.join(__dirname, 'bashWorker.js');
}

/**
 * Runs Bash commands in worker threads, one command per worker at a time, so that nothing a
 * command does can hold the host's event loop: on timeout or Stop the worker is terminated
 * (V8 stops it even inside a synchronous loop) and the answer comes at once. One idle worker is
 * kept warm for a while, since starting one (loading the shell) costs more than most commands; a
 * terminated one is replaced straight away. Terminating a thread leaves the programs it started
 * running, so each worker records their pids in slots this side reads, and a worker is only
 * let go after its programs' process trees have been killed.
 */
export class BashWorkerPool {
  private idle: Worker | undefined;
  private idleRelease: NodeJS.Timeout | undefined;
  private readonly children = new WeakMap<Worker, ChildSlots>();

  constructor(private readonly script: string) {}

  run(request: Omit<BashRun, 'type'>, signal: AbortSignal): Promise<BashOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'cancelled' });
    const worker = this.idle ?? this.start();
    this.idle = undefined;
    clearTimeout(this.idleRelease);
    // A command in flight keeps a CLI process alive, as a child process would; an idle worker does not.
    worker.ref();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: BashOutcome, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (reusable) this.park(worker);
        else this.replace(worker);
        resolve(outcome);
      };
      const onMessage = (raw: unknown) => {
        const reply = BashDone.safeParse(raw);
        if (!reply.success) finish(failure('the shell sent an invalid reply'), false);
        // A timeout inside the worker may have left a command running there: start afresh.
        else finish(reply.data, reply.data.kind !== 'timedOut');
      };
      const onError = (error: Error) => finish(failure(describeCrash(error)), false);
      const onExit = (code: number) => finish(failure(`the shell stopped unexpectedly (exit code ${code})`), false);
      const onAbort = () => finish({ kind: 'cancelled' }, false);
      const timer = setTimeout(() => finish({ type: 'bash/done', kind: 'timedOut' }, false), request.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ type: 'bash/run', ...request } satisfies BashRun);
    });
  }

  private start(): Worker {
    const children = new ChildSlots();
    const workerData: BashWorkerStart = { childSlots: children.buffer };
    const worker = new Worker(this.script, { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    this.children.set(worker, children);
    const forget = killOnExit(children);
    // An idle worker that fails must not become an uncaught 'error' in the host; it is dropped.
    const drop = () => {
      if (this.idle === worker) this.idle = undefined;
    };
    worker.on('error', drop).on('exit', () => {
      drop();
      // Whatever it left running (a crash mid-command) ends with it.
      children.killAll();
      forget();
    });
    return worker;
  }

  /**
   * Ends a worker and every program it started: their trees are killed at once, the worker is
   * given REAP_GRACE_MS to collect them, then terminated, and anything it started meanwhile is
   * killed after it has stopped (when nothing can start another).
   */
  private async retire(worker: Worker): Promise<void> {
    const children = this.children.get(worker);
    children?.killAll();
    for (let waited = 0; children !== undefined && children.live().length > 0 && waited < REAP_GRACE_MS; waited += REAP_POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, REAP_POLL_MS));
      children.killAll();
    }
    await worker.terminate();
    children?.killAll();
  }

  private park(worker: Worker): void {
    if (this.idle !== undefined) {
      void this.retire(worker);
      return;
    }
    worker.unref();
    this.idle = worker;
    this.idleRelease = setTimeout(() => {
      if (this.idle !== worker) return;
      this.idle = undefined;
      void this.retire(worker);
    }, IDLE_RELEASE_MS).unref();
  }

  private replace(worker: Worker): void {
    void this.retire(worker);
    if (this.idle === undefined) this.park(this.start());
  }
}

function failure(message: string): BashDone {
  return { type: 'bash/done', kind: 'exited', output: formatOutput('', `bash: ${message}`, 1, ''), exitCode: 1 };
}

function describeCrash(error: Error): string {
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') return `the command ran out of memory (more than ${WORKER_HEAP_MB} MB)`;
  return `the shell failed (${error.message.split('\n')[0]!.slice(0, 200)})`;
}
