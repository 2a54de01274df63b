import { describe, expect, it } from 'vitest';
import { createEventSink } from '../../../src/agent/events';
import { runAgent } from '../../../src/agent/loop';
import { ScriptedModel } from '../../../src/model/scriptedModel';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import { taskTool } from '../../../src/tools/task';
import { echoTools } from '../../fakes/echoTools';

const call = (name: string, args: Record<string, unknown>) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

describe('Task sub-agents', () => {
  it('runs a child exploration, nests its events under the Task call, and returns its report with the trailer', async () => {
    const model = new ScriptedModel([
      call('Task', { description: 'Find config loader', prompt: 'Find where config is loaded', subagent_type: 'Explore' }),
      // the sub-agent's turns
      `${call('Task', { description: 'nested', prompt: 'again' })}\n${call('Read', { file_path: '/repo/config.py' })}`,
      'Config is loaded in /repo/config.py:4.',
      // the parent's final turn
      'The server reads its configuration in /repo/config.py:4.',
    ]);
    const tools = echoTools();
    tools.set(taskTool.name, taskTool);
    const events: AgentEvent[] = [];
    const outcome = await runAgent({
      model,
      tools,
      task: 'How is configuration loaded?',
      cwd: '/repo',
      roots: ['/repo'],
      signal: new AbortController().signal,
      emit: createEventSink((event) => events.push(event)),
    });

    expect(outcome).toMatchObject({ reason: 'done', report: 'The server reads its configuration in /repo/config.py:4.' });
    const starts = events.filter((e) => e.type === 'run/started');
    const taskCall = events.find((e) => e.type === 'tool/call' && e.name === 'Task');
    expect(starts).toHaveLength(2);
    expect(starts[1]).toMatchObject({ parentCallId: taskCall!.type === 'tool/call' ? taskCall!.callId : '', task: 'Find where config is loaded' });

    // The sub-agent has no Task tool: no recursion.
    const childResults = events.filter((e) => e.type === 'tool/result' && e.runId === starts[1]!.runId);
    expect(childResults[0]).toMatchObject({ output: '<tool_use_error>Error: No such tool available: Task</tool_use_error>' });

    const taskResult = events.find((e) => e.type === 'tool/result' && e.callId === (taskCall as { callId: string }).callId);
    expect(taskResult!.type === 'tool/result' && taskResult!.output).toMatch(
      /^Config is loaded in \/repo\/config.py:4.\n\nagentId: [0-9a-f-]{36} \(for resuming to continue this agent's work if needed\)\n<usage>total_tokens: \d+\ntool_uses: 2\nduration_ms: \d+<\/usage>$/,
    );
    expect(model.prompts[3]).toContain('<tool_response>\nConfig is loaded in /repo/config.py:4.');
  });
});
