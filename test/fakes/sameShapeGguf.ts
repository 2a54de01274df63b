import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeGgufFile, type TinyGgufOptions } from './tinyGguf';

/**
 * A GGUF with exactly LocoOperator-4B's architecture (../shared/design/FACTS.md: qwen3, 36 blocks,
 * embedding 2560, feed-forward 9728, 32 query heads and 8 KV heads of 128, rope base 5e6, the real
 * 151,936-token Qwen3 vocabulary and chat template, tied embeddings, 262,144 declared context) and
 * random weights. Its speed and memory are the real model's; its output is noise, so it answers
 * "how fast", never "how good", and is never offered to users as a model.
 */
export const SAME_SHAPE: TinyGgufOptions = {
  name: 'Same-shape LocoOperator-4B (random weights, for benchmarks only)',
  seed: 4,
  contextLength: 262_144,
  embedding: 2560,
  layers: 36,
  heads: 32,
  kvHeads: 8,
  headSize: 128,
  feedForward: 9728,
  tokenizer: 'qwen3',
};

/** Where the generated model is kept: outside the clone, like the other generated caches. */
export function sameShapeDirectory(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'locooperator-same-shape');
}

/**
 * The same-shape model quantised like the published default build (Q4_K_M, about 2.5 GB),
 * generated once: an F16 file is streamed to disk (8 GB), `llama-quantize` from llama.cpp's own
 * build turns it into Q4_K_M, and the F16 file is deleted.
 */
export async function sameShapeModelFile(llamaQuantize: string, log: (line: string) => void = () => {}): Promise<string> {
  const dir = sameShapeDirectory();
  const file = path.join(dir, 'same-shape-locooperator-4b-Q4_K_M.gguf');
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const f16 = path.join(dir, `same-shape-f16.${process.pid}.gguf`);
  const partial = `${file}.${process.pid}.part`;
  try {
    log(`writing the F16 same-shape model (8 GB) to ${f16}`);
    await writeGgufFile(f16, SAME_SHAPE);
    log('quantising it to Q4_K_M with llama-quantize (minutes)');
    await promisify(execFile)(llamaQuantize, [f16, partial, 'Q4_K_M'], { maxBuffer: 64 * 1024 * 1024 });
    await rename(partial, file);
  } finally {
    await rm(f16, { force: true });
    await rm(partial, { force: true });
  }
  return file;
}
