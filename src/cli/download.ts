import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalog, findVariant } from '../model/catalog';
import { DownloadError, downloadModel, type DownloadProgress } from '../model/downloader';
import { formatBytes } from '../protocol/byteSize';

const USAGE = `Usage: locooperator download [--variant QUANT] [--dir DIR]

Downloads LocoOperator-4B (GGUF) from the Hugging Face hub into DIR (default: ${defaultModelsDirectory()}),
resuming an earlier partial download. Variants: ${catalog.variants.map((v) => v.quantization).join(', ')} (default ${catalog.defaultVariant}).
HF_ENDPOINT points it at a mirror of the hub.
`;

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

/** `locooperator download [--variant Q4_K_M] [--dir DIR]`: prints the file's path when done. */
export async function runDownloadCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { variant: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let variant;
  try {
    variant = findVariant(values.variant);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const directory = path.resolve(values.dir ?? defaultModelsDirectory());
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
