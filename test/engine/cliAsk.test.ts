import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/protocol/agentEvent';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../fakes/fixtureWorkspace';
import { tinyGgufFile } from '../fakes/tinyGguf';
import { buildCli } from './support';

/**
 * `locooperator ask --model tiny.gguf`: the agent loop, the tools and the real engine together.
 * The tiny model writes noise, so a grammar (LOCOOPERATOR_GRAMMAR) decides what it writes.
 */
let cli: string;
let modelPath: string;
let workspace: FixtureWorkspace;

beforeAll(async () => {
  [cli, modelPath, workspace] = await Promise.all([buildCli(), tinyGgufFile(), makeFixtureWorkspace()]);
});
afterAll(() => workspace.cleanup());

function ask(grammar: string, ...args: string[]): Promise<{ code: number; events: AgentEvent[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'ask', 'Where is the application created?', '--cwd', workspace.root, '--model', modelPath, '--threads', '1', '--json', ...args],
      { env: { ...process.env, LOCOOPERATOR_GRAMMAR: grammar }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const events = stdout
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as AgentEvent);
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, events, stderr });
      },
    );
  });
}

describe('locooperator ask --model tiny.gguf', () => {
  it('runs a turn without tool calls to a clean finish with a report', async () => {
    const { code, events, stderr } = await ask('root ::= "The application is created in " [a-z]{1,12}');
    expect(stderr).toContain('model:');
    const finished = events.find((e) => e.type === 'run/finished');
    expect(finished).toMatchObject({ reason: 'done', turns: 1, toolCalls: 0 });
    expect(finished && 'report' in finished && finished.report).toMatch(/^The application is created in [a-z]+$/);
    expect(code).toBe(0);
  });

  it('dispatches a tool call the model writes and evaluates only the new tokens on the next turn', async () => {
    const grammar = 'root ::= "<tool_call>\\n{\\"name\\": \\"Glob\\", \\"arguments\\": {\\"pattern\\": \\"**/*.py\\"}}\\n</tool_call>"';
    const { events } = await ask(grammar, '--max-turns', '2');
    const result = events.find((e) => e.type === 'tool/result');
    expect(result).toMatchObject({ status: 'done' });
    expect(result && 'output' in result && result.output).toContain('src/server/app.py');
    const usage = events.filter((e) => e.type === 'usage');
    expect(usage).toHaveLength(2);
    const [first, second] = usage as Array<Extract<AgentEvent, { type: 'usage' }>>;
    expect(second!.evaluatedTokens).toBe(second!.promptTokens - first!.promptTokens - first!.completionTokens);
    expect(events[events.length - 1]).toMatchObject({ type: 'run/finished', reason: 'max_turns' });
  });
});
