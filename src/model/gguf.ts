import { open, type FileHandle } from 'node:fs/promises';

/**
 * Reads the header of a GGUF file (metadata and tensor table) without loading weights, so that a
 * bad file is reported clearly before llama.cpp sees it (llama.cpp may abort its process on one).
 */

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufHeader {
  version: number;
  /** Metadata; large arrays (vocabulary, merges) are skipped and appear as their length. */
  metadata: Map<string, GgufValue>;
  /** Bytes the file must have to hold every tensor, or undefined for an unknown tensor type. */
  expectedSize: number | undefined;
  fileSize: number;
}

export class GgufFormatError extends Error {
  constructor(
    message: string,
    readonly kind: 'notGguf' | 'truncated' | 'unsupported',
  ) {
    super(message);
  }
}

const MAGIC = 0x46554747; // "GGUF" little-endian
/** Arrays longer than this are skipped rather than materialised. */
const KEEP_ARRAY_LIMIT = 64;

/** ggml tensor types: [elements per block, bytes per block], from ggml's type traits. */
const GGML_BLOCKS: Record<number, readonly [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};

/** Sequential reads over a file handle with a read-ahead buffer. */
class FileReader {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  private async ensure(n: number): Promise<Buffer> {
    const offset = this.position - this.bufferStart;
    if (offset + n <= this.buffer.length) return this.buffer.subarray(offset, offset + n);
    if (this.position + n > this.size) {
      throw new GgufFormatError('The file ends inside its header: it is truncated (an incomplete download?).', 'truncated');
    }
    const length = Math.max(n, 1 << 20);
    const next = Buffer.alloc(Math.min(length, this.size - this.position));
    await this.handle.read(next, 0, next.length, this.position);
    this.buffer = next;
    this.bufferStart = this.position;
    return next.subarray(0, n);
  }

  async bytes(n: number): Promise<Buffer> {
    const b = await this.ensure(n);
    this.position += n;
    return b;
  }
  async u32(): Promise<number> {
    return (await this.bytes(4)).readUInt32LE(0);
  }
  async u64(): Promise<number> {
    const value = (await this.bytes(8)).readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GgufFormatError('The file header holds an impossible size: it is corrupt.', 'notGguf');
    }
    return Number(value);
  }
  async string(): Promise<string> {
    const length = await this.u64();
    return (await this.bytes(length)).toString('utf8');
  }
  skip(n: number): void {
    this.position += n;
  }
}

const SCALAR_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

async function readScalar(reader: FileReader, type: number): Promise<GgufValue> {
  const b = await reader.bytes(SCALAR_SIZES[type]!);
  switch (type) {
    case 0:
      return b.readUInt8(0);
    case 1:
      return b.readInt8(0);
    case 2:
      return b.readUInt16LE(0);
    case 3:
      return b.readInt16LE(0);
    case 4:
      return b.readUInt32LE(0);
    case 5:
      return b.readInt32LE(0);
    case 6:
      return b.readFloatLE(0);
    case 7:
      return b.readUInt8(0) !== 0;
    case 10:
      return b.readBigUInt64LE(0);
    case 11:
      return b.readBigInt64LE(0);
    default:
      return b.readDoubleLE(0);
  }
}

async function readValue(reader: FileReader, type: number): Promise<GgufValue> {
  if (type === 8) return reader.string();
  if (type === 9) {
    const elementType = await reader.u32();
    const count = await reader.u64();
    if (count > KEEP_ARRAY_LIMIT) {
      if (elementType === 8) {
        for (let i = 0; i < count; i++) reader.skip(await reader.u64());
      } else if (SCALAR_SIZES[elementType] !== undefined) {
        reader.skip(count * SCALAR_SIZES[elementType]!);
      } else {
        throw new GgufFormatError(`Unsupported metadata array type ${elementType}.`, 'notGguf');
      }
      return count;
    }
    const values: GgufValue[] = [];
    for (let i = 0; i < count; i++) values.push(await readValue(reader, elementType));
    return values;
  }
  if (SCALAR_SIZES[type] === undefined) throw new GgufFormatError(`Unknown metadata value type ${type}.`, 'notGguf');
  return readScalar(reader, type);
}

/** Reads a GGUF header. File-system errors (ENOENT, EACCES) propagate as they are. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const reader = new FileReader(handle, size);
    if (size < 24 || (await reader.u32()) !== MAGIC) {
      throw new GgufFormatError('This is not a GGUF model file (it does not start with "GGUF").', 'notGguf');
    }
    const version = await reader.u32();
    if (version < 2 || version > 3) {
      throw new GgufFormatError(`GGUF version ${version} is not supported (expected 2 or 3).`, 'unsupported');
    }
    const tensorCount = await reader.u64();
    const kvCount = await reader.u64();
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = await reader.string();
      metadata.set(key, await readValue(reader, await reader.u32()));
    }
    const alignmentValue = metadata.get('general.alignment');
    const alignment = typeof alignmentValue === 'number' && alignmentValue > 0 ? alignmentValue : 32;
    let dataEnd = 0;
    let known = true;
    for (let i = 0; i < tensorCount; i++) {
      await reader.string();
      const dims = await reader.u32();
      let elements = 1;
      for (let d = 0; d < dims; d++) elements *= await reader.u64();
      const type = await reader.u32();
      const offset = await reader.u64();
      const block = GGML_BLOCKS[type];
      if (block === undefined) known = false;
      dataEnd = Math.max(dataEnd, offset + (block ? Math.ceil(elements / block[0]) * block[1] : 0));
    }
    const dataStart = Math.ceil(reader.position / alignment) * alignment;
    const expectedSize = dataStart + dataEnd;
    if (size < expectedSize || (!known && size < dataStart)) {
      throw new GgufFormatError(
        `The file is truncated: its tensors need ${expectedSize} bytes but it has ${size} (an incomplete download?).`,
        'truncated',
      );
    }
    return { version, metadata, expectedSize: known ? expectedSize : undefined, fileSize: size };
  } finally {
    await handle.close();
  }
}
