/**
 * How large a context window `auto` asks for on the CPU.
 *
 * LocoOperator-4B was trained with 16,384-token conversations, its GGUF declares 262,144, and its
 * authors serve it with 51,200. The ceiling is the trained length: measured at real size on the
 * CPU (bench:first-answer), the model host held 4.1 GiB of anonymous memory at 16,384 against
 * 8.9 GiB at 51,200, for as long as the model stays loaded, and loaded in 6.3 s against 14.5 s;
 * the 10-turn exploration took as long in either. A conversation longer than that is one the
 * model never saw, and the agent loop compacts old tool output to stay inside the window. A
 * larger window is a number in `locooperator.contextSize`. The floor is what one exploration
 * needs to be useful at all.
 *
 * llama.cpp writes the whole KV cache when it allocates it, so the window is resident memory from
 * the moment the model loads, whether or not a conversation ever fills it. node-llama-cpp's own
 * `auto` would take all the free memory it sees; on a laptop that leaves the editor, the browser
 * and the build with nothing. The cache may therefore take at most half of the memory available
 * once the model is loaded, and never less than the floor (a machine without even that fails the
 * load with a clear message rather than exploring in a window too small to hold one file).
 */

/** The ceiling of `auto`: the length of the conversations LocoOperator-4B was trained on. */
export const AUTO_MAX_CONTEXT = 16_384;
/** Below this an exploration cannot hold the system prompt, the question and a few files. */
export const MIN_AUTO_CONTEXT = 8192;
/** The share of available memory the KV cache may take. */
const KV_SHARE_OF_AVAILABLE = 0.5;
/** Windows are whole multiples of this (llama.cpp pads the cache to 256 cells anyway). */
const CONTEXT_STEP = 1024;

export interface ContextBudget {
  /** Memory available to new allocations now, the model already loaded (Linux: MemAvailable). */
  availableBytes: number;
  /** KV-cache bytes per token of context at the cache type in use. */
  kvBytesPerToken: number;
  /** The largest window wanted: the setting's ceiling, and never more than the model declares. */
  maxContextSize: number;
}

export function autoContextSize({ availableBytes, kvBytesPerToken, maxContextSize }: ContextBudget): number {
  const affordable = Math.floor((availableBytes * KV_SHARE_OF_AVAILABLE) / kvBytesPerToken / CONTEXT_STEP) * CONTEXT_STEP;
  const floor = Math.min(MIN_AUTO_CONTEXT, maxContextSize);
  return Math.max(floor, Math.min(affordable, maxContextSize));
}
