import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { catalog, findVariant } from '../model/catalog';
import { DownloadError, downloadModel, type DownloadProgress } from '../model/downloader';
import { formatBytes } from '../protocol/byteSize';
import { errorMessage } from '../protocol/errorMessage';
import { parseCommandLine } from './commandLine';
import { UsageError } from './usageError';

/** The command's --help (a function: the default folder depends on the environment). */
export function downloadUsage(): string {
  return `Usage: locooperator download [--variant QUANT] [--dir DIR]

Downloads LocoOperator-4B (GGUF) from the Hugging Face hub for --model, resuming an earlier
partial download, and prints the file's path.

  --variant QUANT        ${catalog.variants.map((v) => v.quantization).join(', ')} (default ${catalog.defaultVariant})
  --dir DIR              where to put it (default: ${defaultModelsDirectory()})
  HF_ENDPOINT points it at a mirror of the hub.
`;
}

/** Where the CLI keeps downloaded models: the user's cache folder. */
export function defaultModelsDirectory(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cache, 'locooperator', 'models');
}

/** One progress line; on a terminal it rewrites itself, elsewhere it is printed every 10%. */
function progressPrinter(): (progress: DownloadProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  return ({ receivedBytes, totalBytes, bytesPerSecond }) => {
    const percent = totalBytes ? Math.floor((100 * receivedBytes) / totalBytes) : undefined;
    const speed = bytesPerSecond ? `, ${formatBytes(bytesPerSecond)}/s` : '';
    const line = `${formatBytes(receivedBytes)}${totalBytes ? ` of ${formatBytes(totalBytes)} (${percent}%)` : ''}${speed}`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
    } else if (percent === undefined || Math.floor(percent / 10) > lastTenth) {
      lastTenth = percent === undefined ? lastTenth : Math.floor(percent / 10);
      process.stderr.write(`${line}\n`);
    }
  };
}

/**
 * Where the download will go, checked before the network is touched: a file in the way, or a
 * folder that cannot be written, is a mistake in the command line.
 */
function checkDownloadFolder(directory: string): void {
  for (let place = directory; ; place = path.dirname(place)) {
    let info;
    try {
      info = statSync(place);
    } catch {
      if (path.dirname(place) === place) return;
      continue;
    }
    if (!info.isDirectory()) throw new UsageError(`${place} is a file, not a folder: --dir takes the folder to download into.`);
    try {
      accessSync(place, constants.W_OK);
    } catch {
      throw new UsageError(`The folder ${place} cannot be written (permission denied): --dir takes a folder you can write.`);
    }
    return;
  }
}

/** `locooperator download [--variant Q4_K_M] [--dir DIR]`: prints the file's path when done. */
export async function runDownloadCommand(args: string[]): Promise<number> {
  const { values } = parseCommandLine('download', args, { variant: { type: 'string' }, dir: { type: 'string' } }, false);
  let variant;
  try {
    variant = findVariant(values.variant);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (values.dir === '') throw new UsageError('--dir needs a folder, not an empty value.');
  const directory = path.resolve(values.dir ?? defaultModelsDirectory());
  checkDownloadFolder(directory);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.stderr.write(`Downloading ${catalog.model} ${variant.quantization} (about ${formatBytes(variant.approximateBytes)}) into ${directory}\n`);
  const print = progressPrinter();
  try {
    const file = await downloadModel({ variant: variant.quantization, directory, signal: abort.signal, onProgress: print });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stderr.write(`Done. Use it with: locooperator ask "…" --model ${JSON.stringify(file)}\n`);
    process.stdout.write(`${file}\n`);
    return 0;
  } catch (error) {
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stderr.write(`${(error as Error).message}\n`);
    return error instanceof DownloadError && error.reason === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', stop);
  }
}
