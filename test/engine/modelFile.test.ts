import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelClient } from '../../src/model/modelClient';
import { validateModelFile } from '../../src/model/modelFile';
import { tinyGgufFile } from '../fakes/tinyGguf';
import { buildModelHost } from './support';

let directory: string;
let good: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'locooperator-bad-models-'));
  good = await tinyGgufFile();
});
afterAll(() => rm(directory, { recursive: true, force: true }));

async function fileWith(name: string, content: Buffer | string): Promise<string> {
  const file = path.join(directory, name);
  await writeFile(file, content);
  return file;
}

describe('validateModelFile', () => {
  it('accepts the tiny qwen3 model and reads its shape', async () => {
    const info = await validateModelFile(good);
    expect(info).toMatchObject({ architecture: 'qwen3', contextLength: 32_768, name: 'Tiny Qwen3 test model' });
    // 2 layers x 2 KV heads x (16 + 16) x 2 bytes
    expect(info.kvBytesPerToken).toBe(256);
  });

  it('says a missing file is missing', async () => {
    await expect(validateModelFile(path.join(directory, 'absent.gguf'))).rejects.toMatchObject({
      problem: 'missing',
      message: expect.stringContaining('Model file not found'),
    });
  });

  it('says a folder or a text file is not a GGUF model', async () => {
    await expect(validateModelFile(directory)).rejects.toMatchObject({ problem: 'unreadable' });
    const text = await fileWith('notes.gguf', 'these are not weights\n'.repeat(10));
    await expect(validateModelFile(text)).rejects.toMatchObject({ problem: 'notGguf', message: expect.stringContaining('not a GGUF') });
  });

  it('says a cut-off file is truncated, in the header or in the weights', async () => {
    const bytes = await readFile(good);
    const inHeader = await fileWith('header-cut.gguf', bytes.subarray(0, 2000));
    const inWeights = await fileWith('weights-cut.gguf', bytes.subarray(0, bytes.length - 4096));
    await expect(validateModelFile(inHeader)).rejects.toMatchObject({ problem: 'truncated' });
    await expect(validateModelFile(inWeights)).rejects.toMatchObject({ problem: 'truncated', message: expect.stringContaining('incomplete download') });
  });

  it('refuses a model of another architecture', async () => {
    const llama = await tinyGgufFile({ architecture: 'llama' });
    await expect(validateModelFile(llama)).rejects.toMatchObject({ problem: 'wrongArchitecture', message: expect.stringContaining('"llama" model') });
  });

  it('refuses attention heads that are not a multiple of the key/value heads', async () => {
    const odd = await tinyGgufFile({ heads: 4, kvHeads: 3 });
    await expect(validateModelFile(odd)).rejects.toMatchObject({
      problem: 'badShape',
      message: expect.stringContaining('4 attention heads and 3 key/value heads'),
    });
  });

  it('refuses a context larger than the model supports or the machine can hold', async () => {
    await expect(validateModelFile(good, { contextSize: 65_536 })).rejects.toMatchObject({ problem: 'contextTooLarge' });
    const huge = await tinyGgufFile({ contextLength: 4_000_000_000 });
    await expect(validateModelFile(huge, { contextSize: 3_900_000_000 })).rejects.toMatchObject({
      problem: 'contextTooLarge',
      message: expect.stringContaining("more than this machine's"),
    });
  });
});

describe('ModelClient with a bad model file', () => {
  it('rejects the request with the file problem and never starts a host', async () => {
    const statuses: string[] = [];
    const notGguf = await fileWith('bad.gguf', 'nope'.repeat(100));
    const client = createModelClient({ modelPath: notGguf, hostScript: await buildModelHost(), threads: 1, gpu: false, onStatus: (s) => statuses.push(s.state) });
    await expect(
      client.complete({ prompt: [{ text: 'hi', special: false }], sampling: {} }, { signal: new AbortController().signal }),
    ).rejects.toThrow(/not a GGUF/);
    expect(statuses).toEqual([]);
    expect(client.status().state).toBe('stopped');
    await client.dispose();
  });

  it('reports a file that llama.cpp cannot load, and tries again on the next request', async () => {
    const broken = await tinyGgufFile({ omitTensor: 'blk.1.ffn_down.weight' });
    await expect(validateModelFile(broken)).resolves.toMatchObject({ architecture: 'qwen3' });
    const client = createModelClient({ modelPath: broken, hostScript: await buildModelHost(), threads: 1, gpu: false });
    const request = () => client.complete({ prompt: [{ text: 'hi', special: false }], sampling: {} }, { signal: new AbortController().signal });
    await expect(request()).rejects.toThrow(/Could not load .*blk\.1\.ffn_down\.weight/);
    expect(client.status()).toMatchObject({ state: 'stopped', error: expect.stringContaining('ffn_down') });
    await expect(request()).rejects.toThrow(/Could not load/);
    await client.dispose();
  });
});
