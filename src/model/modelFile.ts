import { totalmem } from 'node:os';
import { GgufFormatError, readGgufHeader, type GgufValue } from './gguf';

/** What the engine needs to know about a GGUF before loading it. */
export interface ModelFileInfo {
  path: string;
  name: string | undefined;
  architecture: string;
  /** The context length the file declares. */
  contextLength: number;
  fileSize: number;
  /** KV-cache bytes per token of context at f16, from the attention shape. */
  kvBytesPerToken: number;
}

export type ModelFileProblem = 'missing' | 'unreadable' | 'notGguf' | 'truncated' | 'wrongArchitecture' | 'badShape' | 'contextTooLarge';

export class ModelFileError extends Error {
  constructor(
    message: string,
    readonly problem: ModelFileProblem,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** The architectures the prompt format and the engine are built for. */
const SUPPORTED_ARCHITECTURES = new Set(['qwen3']);

function numberAt(metadata: Map<string, GgufValue>, key: string): number | undefined {
  const value = metadata.get(key);
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/**
 * Checks a model file before it is loaded: readable, a GGUF, complete, a qwen3 model with an
 * attention shape llama.cpp can load, and (when a
 * fixed context size is asked for) a context the file supports and this machine can hold.
 */
export async function validateModelFile(path: string, options: { contextSize?: number } = {}): Promise<ModelFileInfo> {
  let header;
  try {
    header = await readGgufHeader(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelFileError(`Model file not found: ${path}`, 'missing');
    if (code === 'EISDIR') throw new ModelFileError(`The model path is a folder, not a GGUF file: ${path}`, 'unreadable');
    if (code === 'EACCES' || code === 'EPERM') throw new ModelFileError(`Model file is not readable (permission denied): ${path}`, 'unreadable');
    if (error instanceof GgufFormatError) {
      const problem = error.kind === 'truncated' ? 'truncated' : 'notGguf';
      throw new ModelFileError(`${path}: ${error.message}`, problem);
    }
    throw new ModelFileError(`Could not read the model file ${path}: ${(error as Error).message}`, 'unreadable');
  }
  const { metadata } = header;
  const architecture = metadata.get('general.architecture');
  if (typeof architecture !== 'string' || !SUPPORTED_ARCHITECTURES.has(architecture)) {
    throw new ModelFileError(
      `${path} is a "${String(architecture)}" model; LocoOperator needs a qwen3 model such as LocoOperator-4B.`,
      'wrongArchitecture',
    );
  }
  const contextLength = numberAt(metadata, `${architecture}.context_length`);
  const layers = numberAt(metadata, `${architecture}.block_count`);
  const heads = numberAt(metadata, `${architecture}.attention.head_count`);
  const embedding = numberAt(metadata, `${architecture}.embedding_length`);
  if (contextLength === undefined || layers === undefined || heads === undefined || embedding === undefined) {
    throw new ModelFileError(`${path} lacks the qwen3 shape metadata (context length, layers, heads).`, 'notGguf');
  }
  const kvHeads = numberAt(metadata, `${architecture}.attention.head_count_kv`) ?? heads;
  // llama.cpp aborts the whole process (SIGABRT) on such a file instead of failing the load.
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0) {
    throw new ModelFileError(
      `${path} has ${heads} attention heads and ${kvHeads} key/value heads; the heads must be a multiple of the key/value heads. The file is broken or not a LocoOperator-4B build.`,
      'badShape',
    );
  }
  const keyLength = numberAt(metadata, `${architecture}.attention.key_length`) ?? embedding / heads;
  const valueLength = numberAt(metadata, `${architecture}.attention.value_length`) ?? keyLength;
  const kvBytesPerToken = layers * kvHeads * (keyLength + valueLength) * 2;
  const name = metadata.get('general.name');
  const info: ModelFileInfo = {
    path,
    name: typeof name === 'string' ? name : undefined,
    architecture,
    contextLength,
    fileSize: header.fileSize,
    kvBytesPerToken,
  };

  const wanted = options.contextSize;
  if (wanted !== undefined) {
    if (wanted > contextLength) {
      throw new ModelFileError(
        `A context of ${wanted} tokens is larger than this model supports (${contextLength} tokens).`,
        'contextTooLarge',
      );
    }
    const needed = wanted * kvBytesPerToken + header.fileSize;
    if (needed > totalmem()) {
      throw new ModelFileError(
        `A context of ${wanted} tokens needs about ${gib(needed)} GiB with this model, more than this machine's ` +
          `${gib(totalmem())} GiB of memory. Choose a smaller context size.`,
        'contextTooLarge',
      );
    }
  }
  return info;
}

function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
