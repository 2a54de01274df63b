import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScriptedModel } from '../../../src/model/scriptedModel';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'loco-transcript-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

async function replay(transcript: unknown, workspace: string): Promise<string[]> {
  const file = path.join(folder, 't.json');
  await writeFile(file, JSON.stringify(transcript));
  const model = await loadScriptedModel(file, workspace);
  const turns: string[] = [];
  while (model.remainingTurns > 0) {
    const result = await model.complete({ prompt: [{ text: 'x', special: false }], sampling: {} }, { signal: new AbortController().signal });
    turns.push(result.text);
  }
  return turns;
}

describe('loadScriptedModel', () => {
  it('puts the workspace folder where the transcript says ${workspaceFolder}, escaped for JSON', async () => {
    const turn = 'Reading.\n<tool_call>\n{"name": "Read", "arguments": {"file_path": "${workspaceFolder}/src/app.py"}}\n</tool_call>';
    const [text] = await replay([turn], '/tmp/my "ws"');
    expect(text).toContain('"file_path": "/tmp/my \\"ws\\"/src/app.py"');
    expect(JSON.parse(/\{.*\}/.exec(text!)![0]).arguments.file_path).toBe('/tmp/my "ws"/src/app.py');
  });

  it('accepts turns with streaming options', async () => {
    expect(await replay({ turns: ['a', 'b'], chunkSize: 1, delayMs: 0 }, '/w')).toEqual(['a', 'b']);
  });

  it('stalls mid-way through the last turn when told to, until the run is stopped', async () => {
    const file = path.join(folder, 't.json');
    await writeFile(file, JSON.stringify({ turns: ['first turn', 'The report, cut here: never sent'], chunkSize: 4, stallAfter: 20 }));
    const model = await loadScriptedModel(file, '/w');
    const request = { prompt: [{ text: 'x', special: false }], sampling: {} };
    expect((await model.complete(request, { signal: new AbortController().signal })).text).toBe('first turn');
    const stop = new AbortController();
    let streamed = '';
    const last = model.complete(request, { signal: stop.signal, onText: (chunk) => (streamed += chunk) });
    // However long it is given, the model sends no more than the first 20 characters.
    for (let tick = 0; tick < 20; tick++) await new Promise((resolve) => setImmediate(resolve));
    expect(streamed).toBe('The report, cut here');
    stop.abort();
    expect(await last).toMatchObject({ text: 'The report, cut here', stopReason: 'cancelled' });
  });

  it('rejects a file that is not a transcript', async () => {
    await expect(replay({ turns: [] }, '/w')).rejects.toThrow(/not a scripted transcript/);
  });
});
