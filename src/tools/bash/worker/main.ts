import { parentPort, workerData } from 'node:worker_threads';
import { BashDone, BashRun, BashWorkerStart } from '../../../protocol/bashWorker';
import { ChildSlots, recordChildrenIn } from '../../support/ownedProcess';
import { execute } from '../shell/executor';
import { checkCommand } from '../gate/commandLine';
import { formatOutput } from './output';

/**
 * The entry of the Bash tool's worker thread (dist/bashWorker.js). Everything that touches the
 * workspace synchronously runs here: the gate expands globs with readdirSync, and the
 * simulated shell can scan the whole tree (a pattern in an `ls` operand) or spin in a
 * backtracking match. The host terminates this thread on timeout or Stop, so nothing here has
 * to be interruptible. The output is formatted here too, so that at most what the model sees,
 * not 32 MB of raw output, crosses back to the host. The programs a command starts (ripgrep,
 * git) are recorded where the host reads them, since terminating this thread does not end them.
 */
const start = BashWorkerStart.safeParse(workerData);
if (start.success) recordChildrenIn(new ChildSlots(start.data.childSlots));

parentPort?.on('message', (raw: unknown) => {
  const request = BashRun.safeParse(raw);
  if (!request.success) return;
  void run(request.data).then((done) => parentPort?.postMessage(BashDone.parse(done)));
});

async function run(request: BashRun): Promise<BashDone> {
  const verdict = checkCommand(request.command, request.cwd, request.roots);
  if (!verdict.allowed) return { type: 'bash/done', kind: 'refused', reason: verdict.reason };
  // The host owns cancellation: it terminates this thread rather than signalling it.
  const signal = new AbortController().signal;
  const { cwd, roots, searchesAllRoots, gitUnavailable, timeoutMs } = request;
  const result = await execute({ script: verdict.command, cwd, roots, searchesAllRoots, gitUnavailable, timeoutMs, signal });
  if (result.kind === 'refused') return { type: 'bash/done', kind: 'refused', reason: result.reason };
  if (result.kind !== 'exited') return { type: 'bash/done', kind: 'timedOut' };
  return { type: 'bash/done', kind: 'exited', output: formatOutput(result.stdout, result.stderr, result.exitCode, verdict.lastCommand), exitCode: result.exitCode };
}
