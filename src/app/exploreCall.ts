import type { Explorer } from './explorer';
import { exploreAnswer, failedAnswer, type ExploreAnswer } from './exploreReport';
import { exploreRequest } from './exploreRequest';

export interface ExploreCallOptions {
  /** The folders the exploration may read. */
  roots: readonly string[];
  explorer: Explorer;
  signal: AbortSignal;
  /** A line for the caller's progress display: each tool call's title, or why nothing runs yet. */
  onProgress(message: string): void;
}

/**
 * One `explore` call from another agent, whichever way it came (language-model tool, MCP server,
 * chat participant): the input checked, the exploration run, the report's references checked.
 * Bad input is answered with what to fix, never thrown.
 */
export async function exploreCall(input: unknown, options: ExploreCallOptions): Promise<ExploreAnswer> {
  const checked = await exploreRequest(input, options.roots);
  if (!checked.ok) return failedAnswer(checked.message);
  const outcome = await options.explorer.run(checked.request, {
    roots: options.roots,
    signal: options.signal,
    onEvent: (event) => {
      if (event.type === 'tool/call') options.onProgress(event.title);
    },
    onNotice: options.onProgress,
  });
  return exploreAnswer(outcome, { roots: options.roots, cwd: checked.request.cwd });
}
