import type { AgentEvent, AgentEventInput } from '../../../src/protocol/agentEvent';
import type { HostToWebview, RunHeader, ViewState } from '../../../src/protocol/webview';

/** Builds the events of a realistic run tree with consecutive seqs, as the agent loop emits them. */
export class RunScript {
  readonly events: AgentEvent[] = [];
  constructor(readonly runId = 'run-1') {}

  private push(event: AgentEventInput): this {
    this.events.push({ ...event, seq: this.events.length } as AgentEvent);
    return this;
  }

  started(runId = this.runId, parentCallId?: string, task = 'How is the app configured?'): this {
    return this.push({ type: 'run/started', runId, task, cwd: '/work/repo', maxTurns: 10, parentCallId, startedAt: 1_700_000_000_000 });
  }
  turn(turn: number, runId = this.runId): this {
    return this.push({ type: 'turn/started', runId, turn });
  }
  text(text: string, turn = 1, runId = this.runId): this {
    return this.push({ type: 'text/delta', runId, turn, text });
  }
  call(callId: string, name: string, title: string, args: unknown = {}, turn = 1, runId = this.runId): this {
    return this.push({ type: 'tool/call', runId, turn, callId, name, args, title });
  }
  result(callId: string, output: string, status: 'done' | 'error' | 'refused' = 'done', runId = this.runId, title = `${callId} done`): this {
    return this.push({
      type: 'tool/result',
      runId,
      callId,
      status,
      title,
      durationMs: 42,
      output,
      outputChars: output.length,
      truncated: false,
      metadata: {},
    });
  }
  usage(turn: number, promptTokens: number, evaluatedTokens: number, completionTokens: number, runId = this.runId): this {
    return this.push({ type: 'usage', runId, turn, promptTokens, evaluatedTokens, completionTokens, generationMs: 1000 });
  }
  finished(report: string | undefined, reason: 'done' | 'max_turns' | 'cancelled' | 'error' = 'done', runId = this.runId, turns = 2): this {
    return this.push({ type: 'run/finished', runId, reason, report, turns, toolCalls: 2, durationMs: 12_500 });
  }
}

export const header = (runId = 'run-1', question = 'How is the app configured?'): RunHeader => ({
  runId,
  sessionId: 'session-1',
  question,
  scope: { kind: 'workspace' },
  thoroughness: 'medium',
  createdAt: 1_700_000_000_000,
});

type MessageOf<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;

export const asMessages = (events: readonly AgentEvent[], runId = 'run-1'): MessageOf<'run/event'>[] =>
  events.map((event) => ({ type: 'run/event', runId, sessionId: 'session-1', event }));

export const snapshot = (state: Partial<ViewState> = {}): MessageOf<'state/snapshot'> => ({
  type: 'state/snapshot',
  state: {
    sessionId: 'session-1',
    roots: [{ path: '/w', label: 'w' }],
    runs: [],
    history: [],
    model: { state: 'ready', modelName: 'LocoOperator-4B Q4_K_M', backend: 'CPU' },
    scope: { kind: 'workspace' },
    thoroughness: 'medium',
    links: {},
    ...state,
  },
});

/** A two-turn run: one Read and one Task whose sub-agent greps, then a report. */
export function typicalRun(): RunScript {
  return new RunScript()
    .started()
    .turn(1)
    .text('I will read the config first.')
    .call('c1', 'Read', 'Read src/server/config.py', { file_path: '/work/repo/src/server/config.py' })
    .call('c2', 'Task', 'Task: find route handlers', { description: 'find route handlers', prompt: 'Find the routes' })
    .result('c1', '     1\tDEBUG = False\n', 'done', 'run-1', 'Read src/server/config.py (1 line)')
    .started('sub-1', 'c2', 'Find the routes')
    .turn(1, 'sub-1')
    .call('s1', 'Grep', 'Grep "route" in src (2 files)', { pattern: 'route' }, 1, 'sub-1')
    .result('s1', 'src/server/routes.py:3:@app.route("/")', 'done', 'sub-1', 'Grep "route" in src (1 match)')
    .finished('Routes live in src/server/routes.py:3.', 'done', 'sub-1', 1)
    .result('c2', 'Routes live in src/server/routes.py:3.', 'done', 'run-1', 'Task: find route handlers')
    .usage(1, 900, 900, 120)
    .turn(2)
    .text('## Summary\n\nConfig is in ', 2)
    .text('`src/server/config.py:1`.', 2)
    .usage(2, 1200, 300, 40)
    .finished('## Summary\n\nConfig is in `src/server/config.py:1`.');
}
