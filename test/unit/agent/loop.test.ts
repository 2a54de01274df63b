import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../../src/protocol/chatModel';
import { createEventSink } from '../../../src/agent/events';
import { LAST_TURN_REMINDER, runAgent, type RunAgentOptions } from '../../../src/agent/loop';
import { ScriptedModel } from '../../../src/model/scriptedModel';
import { COMPACTED_TOOL_OUTPUT } from '../../../src/agent/contextBudget';
import type { AgentEvent } from '../../../src/protocol/agentEvent';
import type { ConversationMessage } from '../../../src/protocol/conversation';
import type { CompletionRequest } from '../../../src/protocol/prompt';
import { echoTools } from '../../fakes/echoTools';

const call = (name: string, args: Record<string, unknown>) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

function run(model: ChatModel, overrides: Partial<RunAgentOptions> = {}) {
  const events: AgentEvent[] = [];
  const calls: string[] = [];
  const promise = runAgent({
    model,
    tools: echoTools({ calls }),
    task: 'Where is the configuration loaded?',
    cwd: '/repo',
    roots: ['/repo'],
    signal: new AbortController().signal,
    emit: createEventSink((event) => events.push(event)),
    ...overrides,
  });
  return { promise, events, calls };
}

describe('runAgent', () => {
  it('runs parallel calls, answers them in call order, and ends with the report', async () => {
    const model = new ScriptedModel(
      [
        `I will read both files.\n${call('Read', { file_path: '/repo/b.py' })}\n${call('Read', { file_path: '/repo/a.py' })}`,
        'The configuration is loaded in /repo/a.py:3.',
      ],
      { randomChunkSeed: 7 },
    );
    const { promise, events, calls } = run(model);
    const outcome = await promise;

    expect(outcome).toMatchObject({ reason: 'done', report: 'The configuration is loaded in /repo/a.py:3.', turns: 2, toolCalls: 2 });
    expect(calls).toEqual(['Read /repo/b.py', 'Read /repo/a.py']);
    expect(model.prompts[1]).toContain(
      '<|im_start|>user\n<tool_response>\ncontents of /repo/b.py\n</tool_response>\n<tool_response>\ncontents of /repo/a.py\n</tool_response><|im_end|>\n<|im_start|>assistant\n',
    );
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['run/started', 'turn/started', 'text/delta', 'tool/call', 'tool/result', 'usage', 'run/finished']),
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.at(-1)).toMatchObject({ type: 'run/finished', reason: 'done', turns: 2, toolCalls: 2 });
    const text = events.flatMap((e) => (e.type === 'text/delta' ? [e.text] : [])).join('');
    expect(text).toContain('I will read both files.');
    expect(text).toContain('The configuration is loaded in /repo/a.py:3.');
  });

  it('starts a tool while the model is still writing the next call', async () => {
    const order: string[] = [];
    const model: ChatModel = {
      contextSize: 32_768,
      prepare: async () => {},
      async complete(_request, { onText }) {
        onText?.(call('Read', { file_path: '/repo/first.py' }));
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('model still writing');
        onText?.(call('Read', { file_path: '/repo/second.py' }));
        return { text: '', stopReason: 'endOfTurn', promptTokens: 1, evaluatedTokens: 1, completionTokens: 1 };
      },
    };
    const events: AgentEvent[] = [];
    await runAgent({
      model: { ...model, complete: (r, o) => (order.length > 1 ? Promise.resolve({ text: 'done', stopReason: 'endOfTurn', promptTokens: 1, evaluatedTokens: 1, completionTokens: 1 }) : model.complete(r, o)) },
      tools: echoTools({ calls: order }),
      task: 't',
      cwd: '/repo',
      roots: ['/repo'],
      signal: new AbortController().signal,
      emit: createEventSink((e) => events.push(e)),
    });
    expect(order.slice(0, 3)).toEqual(['Read /repo/first.py', 'model still writing', 'Read /repo/second.py']);
  });

  it('answers malformed calls, unknown tools, Write and bad arguments precisely, without crashing', async () => {
    const model = new ScriptedModel([
      [
        '<tool_call>\n{"name": "Read", "arguments": {"file_path": \n</tool_call>',
        call('Write', { file_path: '/repo/x', content: 'y' }),
        call('Read', { file_path: '/repo/alias.py', limit: 'ten' }),
        call('Read', { file_path: '/repo/ok.py', offset: '3', bogus: 1 }),
      ].join('\n'),
      'Report.',
    ]);
    const { promise, events } = run(model);
    await promise;
    const results = events.filter((e) => e.type === 'tool/result');
    expect(results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error']);
    expect(results[0]!.output).toMatch(/^<tool_use_error>The tool call is not valid JSON/);
    expect(results[1]!.output).toBe('<tool_use_error>Error: No such tool available: Write</tool_use_error>');
    expect(results[2]!.output).toBe(
      '<tool_use_error>InputValidationError: Read failed due to the following issue:\nThe parameter `limit` type is expected as `number` but provided as `string`</tool_use_error>',
    );
    expect(results[3]!.output).toContain('An unexpected parameter `bogus` was provided');
    expect(model.prompts[1]).toContain('No such tool available: Write');
  });

  it('says so instead of running the same call twice', async () => {
    const model = new ScriptedModel([
      call('Read', { file_path: '/repo/a.py', limit: 5 }),
      call('Read', { limit: '5', file_path: '/repo/a.py' }),
      'Report.',
    ]);
    const { promise, events, calls } = run(model);
    await promise;
    expect(calls).toEqual(['Read /repo/a.py']);
    const second = events.filter((e) => e.type === 'tool/result')[1]!;
    expect(second.status).toBe('refused');
    expect(second.output).toMatch(/already made this exact Read call in turn 1/);
  });

  it('tells the model on its last turn to report, and stops at the turn limit', async () => {
    const model = new ScriptedModel([
      call('Read', { file_path: '/repo/1' }),
      call('Read', { file_path: '/repo/2' }),
      `Still looking.\n${call('Read', { file_path: '/repo/3' })}`,
    ]);
    const { promise, calls } = run(model, { maxTurns: 3 });
    const outcome = await promise;
    expect(outcome).toMatchObject({ reason: 'max_turns', turns: 3, report: 'Still looking.' });
    expect(model.prompts[1]).not.toContain(LAST_TURN_REMINDER);
    // After the tool responses, in the same user turn, not inside a response.
    expect(model.prompts[2]).toContain(`contents of /repo/2\n</tool_response>\n${LAST_TURN_REMINDER}<|im_end|>\n<|im_start|>assistant\n`);
    expect(calls).toEqual(['Read /repo/1', 'Read /repo/2']);
    expect(outcome.messages.at(-1)).toEqual({ role: 'tool', content: expect.stringMatching(/turn limit was reached/) });
  });

  it('tells a single-turn run to report at once, in the question', async () => {
    const model = new ScriptedModel(['Report.']);
    const outcome = await run(model, { maxTurns: 1 }).promise;
    expect(outcome.reason).toBe('done');
    expect(model.prompts[0]).toContain(`Where is the configuration loaded?\n\n${LAST_TURN_REMINDER}<|im_end|>`);
  });

  it('lets the model retry a call that failed', async () => {
    const model = new ScriptedModel([call('Big', { size: 'many' }), call('Big', { size: 'many' }), 'Report.']);
    const { promise, events } = run(model);
    await promise;
    const statuses = events.flatMap((e) => (e.type === 'tool/result' ? [e.status] : []));
    expect(statuses).toEqual(['error', 'error']);
  });

  it('stops promptly when cancelled during generation', async () => {
    const controller = new AbortController();
    const model = new ScriptedModel(['x'.repeat(10_000)], { chunkSize: 10, delayMs: 5 });
    const { promise, events } = run(model, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    const outcome = await promise;
    expect(outcome.reason).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(events.at(-1)).toMatchObject({ type: 'run/finished', reason: 'cancelled' });
    expect(outcome.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('stops while tools are running and leaves a conversation without the unanswered turn', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const model = new ScriptedModel([call('Read', { file_path: '/repo/slow' }), 'never reached']);
    const promise = runAgent({
      model,
      tools: echoTools({ calls, delayMs: 10_000 }),
      task: 't',
      cwd: '/repo',
      roots: ['/repo'],
      signal: controller.signal,
      emit: () => {},
    });
    setTimeout(() => controller.abort(), 50);
    const outcome = await promise;
    expect(outcome.reason).toBe('cancelled');
    expect(outcome.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('caps a huge tool output and compacts old responses when the window fills, keeping system prompt and task', async () => {
    const model = new ScriptedModel(
      [call('Big', { size: 5_000 }), call('Big', { size: 5_001 }), call('Big', { size: 5_002 }), 'Report.'],
      { contextSize: 4_096 },
    );
    const { promise, events } = run(model);
    const outcome = await promise;
    expect(outcome.reason).toBe('done');
    const first = events.find((e) => e.type === 'tool/result')!;
    expect(first).toMatchObject({ truncated: true, outputChars: 5_000 });
    expect(first.output).toMatch(/Output truncated to fit the context window/);
    expect(model.prompts[3]).toContain(COMPACTED_TOOL_OUTPUT);
    expect(model.prompts[3]).toContain('Where is the configuration loaded?');
    expect(model.prompts[3]).toContain('read-only codebase search specialist');
    expect(model.prompts[3]!.length / 3).toBeLessThan(4_096);
  });

  it('budgets for the window the model is loaded with, not the ceiling it reports before loading', async () => {
    // An automatic window is known only after the load: the ceiling before it, less after it when memory is short.
    const scripted = new ScriptedModel(['Report.']);
    let loaded = false;
    const requests: CompletionRequest[] = [];
    const model: ChatModel = {
      get contextSize() {
        return loaded ? 8_192 : 51_200;
      },
      prepare: async () => {
        loaded = true;
      },
      complete: (request, options) => {
        requests.push(request);
        return scripted.complete(request, options);
      },
    };
    // A follow-up whose earlier tool output (about 10K tokens) fits the ceiling but not the loaded window.
    const history: ConversationMessage[] = [
      { role: 'system', content: 'You are a read-only codebase search specialist.' },
      { role: 'user', content: 'What does the server do?' },
      { role: 'assistant', content: call('Read', { file_path: '/repo/server.py' }) },
      { role: 'tool', content: 'x'.repeat(30_000) },
      { role: 'assistant', content: 'It serves the API.' },
    ];
    const outcome = await run(model, { history }).promise;
    expect(outcome.reason).toBe('done');
    expect(scripted.prompts[0]).toContain(COMPACTED_TOOL_OUTPUT);
    expect(requests[0]!.sampling.maxTokens).toBeLessThanOrEqual(8_192 / 4);
  });

  it('ends with the load error, or as cancelled, when preparing the model fails or is stopped', async () => {
    const failing: ChatModel = {
      contextSize: 8_192,
      prepare: () => Promise.reject(new Error('Could not load model.gguf: not a GGUF file.')),
      complete: () => Promise.reject(new Error('never reached')),
    };
    expect(await run(failing).promise).toMatchObject({ reason: 'error', error: 'Could not load model.gguf: not a GGUF file.', turns: 0 });

    const controller = new AbortController();
    const stopped: ChatModel = {
      contextSize: 8_192,
      prepare: async () => controller.abort(),
      complete: () => Promise.reject(new Error('never reached')),
    };
    expect(await run(stopped, { signal: controller.signal }).promise).toMatchObject({ reason: 'cancelled', turns: 0 });
  });

  it('ends with a clear error when the model fails', async () => {
    const model: ChatModel = {
      contextSize: 8_192,
      prepare: async () => {},
      complete: () => Promise.reject(new Error('The model process exited unexpectedly (signal SIGKILL).')),
    };
    const { promise, events } = run(model);
    const outcome = await promise;
    expect(outcome).toMatchObject({ reason: 'error', error: 'The model process exited unexpectedly (signal SIGKILL).' });
    expect(events.at(-1)).toMatchObject({ type: 'run/finished', reason: 'error' });
  });
});

describe('ScriptedModel', () => {
  it('streams in small random chunks that add up to the turn, the same for the same seed', async () => {
    const turn = 'x'.repeat(500);
    const chunksFor = async (seed: number) => {
      const chunks: string[] = [];
      await new ScriptedModel([turn], { randomChunkSeed: seed }).complete(
        { prompt: [], sampling: {} },
        { signal: new AbortController().signal, onText: (chunk) => chunks.push(chunk) },
      );
      return chunks.map((chunk) => chunk.length);
    };
    const sizes = await chunksFor(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(500);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(12);
    expect(new Set(sizes).size).toBeGreaterThan(5);
    expect(await chunksFor(3)).toEqual(sizes);
    expect(await chunksFor(4)).not.toEqual(sizes);
  });
});
