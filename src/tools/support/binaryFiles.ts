import { open } from 'node:fs/promises';
import path from 'node:path';

/** Extensions whose files are binary whatever their first bytes say. */
const BINARY_EXTENSIONS = new Set(
  [
    // images (svg is text and stays readable)
    'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'icns', 'webp', 'tif', 'tiff', 'psd', 'heic', 'avif',
    // audio and video
    'mp3', 'wav', 'ogg', 'flac', 'aac', 'm4a', 'mp4', 'm4v', 'mov', 'avi', 'mkv', 'webm', 'wmv', 'flv',
    // archives and disk images
    'zip', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'jar', 'war', 'ear', 'iso', 'dmg', 'img', 'deb', 'rpm',
    // compiled code and libraries
    'exe', 'dll', 'so', 'dylib', 'o', 'a', 'obj', 'lib', 'bin', 'class', 'pyc', 'pyo', 'wasm', 'node',
    // documents
    'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp',
    // fonts
    'ttf', 'otf', 'woff', 'woff2', 'eot',
    // data stores and model weights
    'sqlite', 'sqlite3', 'db', 'gguf', 'safetensors', 'pt', 'pth', 'onnx', 'npy', 'npz', 'pkl', 'parquet',
  ],
);

/** Bytes inspected when the extension does not decide: git's heuristic looks at the first 8000. */
const SNIFF_BYTES = 8000;

export function hasBinaryExtension(file: string): boolean {
  return BINARY_EXTENSIONS.has(path.extname(file).slice(1).toLowerCase());
}

/** A NUL byte near the start marks a binary file (as git and ripgrep judge it). */
export async function looksBinary(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}
