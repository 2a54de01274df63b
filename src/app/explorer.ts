import type { AgentEvent } from '../protocol/agentEvent';
import type { ExploreOutcome } from './exploreReport';
import type { RunRequest } from './runController';

/**
 * Runs one exploration to its end for another agent. The extension's runs go through the Ask
 * view's queue (controllerExplorer), the `locooperator mcp` server's through its own
 * (queuedExplorer): either way one model answers one question at a time.
 */
export interface Explorer {
  run(request: RunRequest, options: ExplorerRunOptions): Promise<ExploreOutcome>;
}

export interface ExplorerRunOptions {
  /** The folders the run may read: the workspace's, or those an MCP client narrowed them to (real paths). */
  roots: readonly string[];
  signal: AbortSignal;
  /** Every event of the run, sub-agents included. */
  onEvent(event: AgentEvent): void;
  /** What the caller should hear while nothing runs yet (waiting for another question to finish). */
  onNotice(message: string): void;
}

export const WAITING_NOTICE = 'Waiting for the question LocoOperator is answering to finish (one model answers one question at a time).';

export const CANCELLED_BEFORE_START: ExploreOutcome = { reason: 'cancelled', turns: 0 };
