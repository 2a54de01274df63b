import { z } from 'zod';

/**
 * The messages between the Bash tool (extension host or CLI) and the worker thread that runs
 * its gate and simulated shell. A worker holds one command at a time, so a reply needs no id;
 * the host ends a command that runs too long, or is stopped, by terminating the worker.
 */

/** What a worker is started with (its workerData): where it records the pids of the programs it starts, for the host to kill. */
export const BashWorkerStart = z.object({ childSlots: z.instanceof(SharedArrayBuffer) });
export type BashWorkerStart = z.infer<typeof BashWorkerStart>;

export const BashRun = z.object({
  type: z.literal('bash/run'),
  command: z.string(),
  /** Real absolute path inside one of the roots. */
  cwd: z.string(),
  /** Real absolute paths of the workspace roots. */
  roots: z.array(z.string()),
  /** A question about the whole workspace: a recursive search without a path covers every root. */
  searchesAllRoots: z.boolean(),
  /** Set when real git must not run (an untrusted workspace): the reason a command that reaches git is refused with. */
  gitUnavailable: z.string().max(1000).optional(),
  timeoutMs: z.number().int().positive(),
});
export type BashRun = z.infer<typeof BashRun>;

/** What came of a command: refused by the gate, finished (output already in the model's shape), or out of time. */
export const BashDone = z.discriminatedUnion('kind', [
  z.object({ type: z.literal('bash/done'), kind: z.literal('refused'), reason: z.string() }),
  z.object({ type: z.literal('bash/done'), kind: z.literal('exited'), output: z.string(), exitCode: z.number().int() }),
  z.object({ type: z.literal('bash/done'), kind: z.literal('timedOut') }),
]);
export type BashDone = z.infer<typeof BashDone>;
