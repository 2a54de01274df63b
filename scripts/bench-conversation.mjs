// The scripted 10-turn exploration that the engine and server benchmarks both run: scripted tool
// responses from the fixture workspace, the per-turn measurements (prompt, appended and evaluated
// tokens, time to first token) and their table.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from './importTypeScript.mjs';

export const TURNS = 10;

/** Scripted tool responses: what Bash and Read would return on the fixture workspace. */
export async function scriptedToolResponses(root) {
  const files = [
    'README.md',
    'src/server/app.py',
    'src/server/routes.py',
    'src/server/models.py',
    'src/server/config.py',
    'web/src/api.ts',
    'web/src/main.ts',
    'tests/test_routes.py',
    'docs/architecture.md',
  ];
  const numbered = (text) =>
    text
      .split('\n')
      .map((line, i) => `${String(i + 1).padStart(6)}\t${line}`)
      .join('\n');
  const responses = [
    'README.md\ndocs/\npyproject.toml\nsrc/\ntests/\nweb/',
  ];
  for (const file of files) {
    const text = await readFile(path.join(projectRoot, 'test/fixtures/workspace', file), 'utf8');
    responses.push(numbered(text.slice(0, 3000)));
  }
  return responses.slice(0, TURNS - 1).map((content, i) => ({ content, file: i === 0 ? `${root}` : path.join(root, files[i - 1]) }));
}

/**
 * The main conversation: each turn's prompt is the previous conversation, what the model wrote and
 * the next scripted tool response, rendered by the agent's renderer. `prompts` keeps them for a
 * baseline replay.
 */
export function exploration(renderPrompt, system, responses) {
  const prompts = [];
  const conversation = [
    { role: 'system', content: system },
    { role: 'user', content: 'How does the server handle a request, from the route to the database?' },
  ];
  const nextPrompt = (turn, previous) => {
    if (previous) {
      conversation.push({ role: 'assistant', content: previous.result.text });
      conversation.push({ role: 'tool', content: responses[turn - 2].content });
    }
    const prompt = renderPrompt(conversation);
    prompts.push(prompt);
    return prompt;
  };
  return { conversation, prompts, nextPrompt };
}

/**
 * A sub-agent (Task) runs three turns of its own on the same client, then the main conversation
 * resumes with the sub-agent's report as its tool response. Returns what the resumed turn cost.
 */
export async function subAgentThenResume(client, renderPrompt, system, responses, conversation, last, maxTokens) {
  const child = [
    { role: 'system', content: system },
    { role: 'user', content: 'Find where the tests create the application and report the file and line.' },
  ];
  let childResult;
  for (let turn = 0; turn < 3; turn++) {
    childResult = await client.complete(
      { prompt: renderPrompt(child), sampling: { seed: 100 + turn, maxTokens } },
      { signal: new AbortController().signal },
    );
    child.push({ role: 'assistant', content: childResult.text }, { role: 'tool', content: responses[(turn + 3) % responses.length].content });
  }
  conversation.push({ role: 'assistant', content: last.text }, { role: 'tool', content: childResult.text });
  const resumed = await client.complete(
    { prompt: renderPrompt(conversation), sampling: { seed: 200, maxTokens } },
    { signal: new AbortController().signal },
  );
  return {
    promptTokens: resumed.promptTokens,
    appendedTokens: resumed.promptTokens - last.promptTokens - last.completionTokens,
    evaluatedTokens: resumed.evaluatedTokens,
    timeToFirstTokenMs: resumed.timeToFirstTokenMs,
  };
}

export function ms(value) {
  return value === undefined ? '-' : value.toFixed(1);
}

export function rate(tokens, milliseconds) {
  return milliseconds > 0 && tokens > 0 ? (1000 * tokens) / milliseconds : undefined;
}

/**
 * Runs TURNS completions; `nextPrompt(turn, previous)` gives each turn's prompt. `evaluatedTokens`
 * is the engine's or the server's own count (llama-server: timings.prompt_n); the token meter
 * column is the embedded engine's only.
 */
export async function runConversation(client, seed, maxTokens, nextPrompt) {
  const turns = [];
  let previous;
  for (let turn = 1; turn <= TURNS; turn++) {
    const prompt = nextPrompt(turn, previous);
    const meterBefore = client.status?.().tokenMeter?.input ?? 0;
    const result = await client.complete(
      { prompt, sampling: { seed: seed + turn, maxTokens } },
      { signal: new AbortController().signal },
    );
    const appended = previous ? result.promptTokens - previous.result.promptTokens - previous.result.completionTokens : result.promptTokens;
    turns.push({
      turn,
      promptTokens: result.promptTokens,
      appendedTokens: appended,
      evaluatedTokens: result.evaluatedTokens,
      // llama.cpp's own count (the sequence's token meter): one less than evaluatedTokens, since the
      // last prompt token goes in with the sampling call, which the meter does not count as input.
      meteredInputTokens: client.status ? (client.status().tokenMeter?.input ?? 0) - meterBefore : undefined,
      completionTokens: result.completionTokens,
      ratio: result.evaluatedTokens / appended,
      timeToFirstTokenMs: result.timeToFirstTokenMs,
      prefillTokensPerSecond: rate(result.evaluatedTokens, result.timeToFirstTokenMs),
      generationTokensPerSecond: rate(result.completionTokens - 1, result.generationMs),
      stopReason: result.stopReason,
    });
    previous = { prompt, result };
  }
  return { turns, last: previous.result };
}

export function summarise(turns) {
  const sum = (key) => turns.reduce((total, t) => total + (t[key] ?? 0), 0);
  const later = turns.slice(1);
  const mean = (rows, key) => rows.reduce((total, t) => total + (t[key] ?? 0), 0) / rows.length;
  return {
    promptTokensLastTurn: turns[turns.length - 1].promptTokens,
    evaluatedTokensTotal: sum('evaluatedTokens'),
    meteredInputTokensTotal: sum('meteredInputTokens'),
    appendedTokensTotal: sum('appendedTokens'),
    completionTokensTotal: sum('completionTokens'),
    evaluatedPerAppendedTurns2to10: later.reduce((t, r) => t + r.evaluatedTokens, 0) / later.reduce((t, r) => t + r.appendedTokens, 0),
    meanTimeToFirstTokenMs: mean(turns, 'timeToFirstTokenMs'),
    meanTimeToFirstTokenMsTurns2to10: mean(later, 'timeToFirstTokenMs'),
    totalTimeToFirstTokenMs: sum('timeToFirstTokenMs'),
    prefillTokensPerSecond: rate(sum('evaluatedTokens'), sum('timeToFirstTokenMs')),
    generationTokensPerSecond: mean(turns, 'generationTokensPerSecond'),
  };
}

export function printTable(title, turns) {
  console.log(`\n${title}`);
  console.log('turn  prompt  appended  evaluated  metered  ratio  generated  TTFT ms  prefill tok/s  gen tok/s  stop');
  for (const t of turns) {
    console.log(
      [
        String(t.turn).padStart(4),
        String(t.promptTokens).padStart(7),
        String(t.appendedTokens).padStart(9),
        String(t.evaluatedTokens).padStart(10),
        String(t.meteredInputTokens ?? '-').padStart(8),
        t.ratio.toFixed(2).padStart(6),
        String(t.completionTokens).padStart(10),
        ms(t.timeToFirstTokenMs).padStart(8),
        (t.prefillTokensPerSecond?.toFixed(0) ?? '-').padStart(14),
        (t.generationTokensPerSecond?.toFixed(0) ?? '-').padStart(10),
        ` ${t.stopReason}`,
      ].join(' '),
    );
  }
}

