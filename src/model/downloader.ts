import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { z } from 'zod';
import { downloadedFileName, findVariant, parseHfSource } from './catalog';

/**
 * Downloads a model build over HTTP(S) into a folder: resumable (a `.part` file continued with a
 * Range request), cancellable, verified (size, and sha256 where known), with progress and errors
 * a user can act on. Written on node:http so that it runs in the extension host without loading
 * node-llama-cpp there.
 */

export interface DownloadProgress {
  receivedBytes: number;
  totalBytes?: number;
  /** Average over the current connection. */
  bytesPerSecond?: number;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly reason: 'offline' | 'http' | 'diskFull' | 'verification' | 'cancelled' | 'notFound',
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';
const MAX_REDIRECTS = 8;
/** A connection that sends nothing for this long is treated as dropped (the .part file stays). */
const STALL_TIMEOUT_MS = 30_000;
const PROGRESS_INTERVAL_MS = 100;

/** The hub's endpoint: HF_ENDPOINT (mirrors, tests) or huggingface.co. */
export function hubEndpoint(): string {
  return (process.env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

const HubFile = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().nonnegative(),
  lfs: z.object({ oid: z.string(), size: z.number().nonnegative() }).optional(),
});
const HubTree = z.array(HubFile);

export interface RemoteFile {
  url: string;
  name: string;
  size: number | undefined;
  sha256: string | undefined;
}

/** Finds the GGUF of a quantisation in a hub repository by listing its files. */
export async function resolveHubFile(repository: string, quantization: string, signal?: AbortSignal, endpoint = hubEndpoint()): Promise<RemoteFile> {
  const listing = `${endpoint}/api/models/${repository}/tree/main`;
  const response = await get(listing, {}, signal);
  const body = await readBody(response, listing, signal);
  if (response.statusCode === 404 || response.statusCode === 401) {
    throw new DownloadError(`The model repository ${repository} was not found at ${endpoint}.`, 'notFound');
  }
  if (response.statusCode !== 200) {
    throw new DownloadError(`Listing ${listing} failed: HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim(), 'http');
  }
  let files;
  try {
    files = HubTree.parse(JSON.parse(body));
  } catch {
    throw new DownloadError(`The hub's file list for ${repository} could not be read.`, 'http');
  }
  const ggufs = files.filter((f) => f.type === 'file' && f.path.toLowerCase().endsWith('.gguf'));
  const wanted = quantization.toLowerCase();
  const file = ggufs.find((f) => path.basename(f.path, '.gguf').toLowerCase().split(/[-.]/).includes(wanted));
  if (!file) {
    const available = ggufs.map((f) => f.path).join(', ') || 'none';
    throw new DownloadError(`${repository} has no ${quantization} GGUF file (it has: ${available}).`, 'notFound');
  }
  return {
    url: `${endpoint}/${repository}/resolve/main/${file.path.split('/').map(encodeURIComponent).join('/')}`,
    name: file.path,
    size: file.lfs?.size ?? file.size,
    sha256: file.lfs?.oid,
  };
}

/**
 * Downloads a catalog variant (default Q4_K_M) into `directory` as LocoOperator-4B.<QUANT>.gguf
 * and resolves to its path. A finished file of the right size is reused (offline: any finished
 * file); a `.part` file resumes when the server still has the same version of the file.
 */
export async function downloadModel(options: {
  variant?: string;
  directory: string;
  signal?: AbortSignal;
  onProgress?(progress: DownloadProgress): void;
  endpoint?: string;
}): Promise<string> {
  const variant = findVariant(options.variant);
  const { repository, quantization } = parseHfSource(variant.source);
  const destination = path.join(options.directory, downloadedFileName(variant.quantization));
  let remote: RemoteFile;
  try {
    remote = await resolveHubFile(repository, quantization, options.signal, options.endpoint);
  } catch (error) {
    // A file here was renamed from its .part only after it was verified: it is complete, and
    // usable without the network.
    if (error instanceof DownloadError && error.reason === 'offline' && ((await sizeOf(destination)) ?? 0) > 0) return destination;
    throw error;
  }
  return downloadFile({
    url: remote.url,
    destination,
    size: remote.size,
    sha256: variant.sha256 ?? remote.sha256,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}

function networkError(error: unknown, url: string): DownloadError {
  const code = (error as NodeJS.ErrnoException).code;
  const host = new URL(url).host;
  if (code && ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(code)) {
    return new DownloadError(`Cannot reach ${host} (${code}). Check the network connection, then try again: the download resumes.`, 'offline');
  }
  return new DownloadError(`The connection to ${host} failed: ${(error as Error).message}. Try again: the download resumes.`, 'offline');
}

function cancelled(): DownloadError {
  return new DownloadError('The download was cancelled; starting it again resumes where it stopped.', 'cancelled');
}

/** GET with redirects; the response is returned unread. */
function get(url: string, headers: Record<string, string>, signal: AbortSignal | undefined, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { headers: { 'user-agent': 'locooperator', ...headers }, signal }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new DownloadError(`Too many redirects from ${url}.`, 'http'));
        get(new URL(location, url).toString(), headers, signal, redirects + 1).then(resolve, reject);
        return;
      }
      resolve(response);
    });
    request.setTimeout(STALL_TIMEOUT_MS, () => request.destroy(new Error('the connection stalled')));
    request.on('error', (error) => reject(signal?.aborted ? cancelled() : networkError(error, url)));
  });
}

async function readBody(response: IncomingMessage, url: string, signal: AbortSignal | undefined): Promise<string> {
  let body = '';
  response.setEncoding('utf8');
  try {
    for await (const chunk of response) body += chunk;
  } catch (error) {
    throw signal?.aborted ? cancelled() : networkError(error, url);
  }
  return body;
}

/**
 * Beside a .part file: what identifies the remote version its bytes came from, so that a resume
 * never appends another version's bytes. `validator` is the strong ETag (or Last-Modified) sent
 * back as If-Range; `sha256` the checksum the download was started for.
 */
const PartVersion = z.object({ validator: z.string().optional(), sha256: z.string().optional() });
type PartVersion = z.infer<typeof PartVersion>;

async function readPartVersion(file: string): Promise<PartVersion | undefined> {
  try {
    return PartVersion.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return undefined;
  }
}

function validatorOf(response: IncomingMessage): string | undefined {
  const etag = response.headers.etag;
  // A weak ETag cannot be used with If-Range.
  if (etag && !etag.startsWith('W/')) return etag;
  return response.headers['last-modified'];
}

/** The first byte a 206 response holds, from its Content-Range. */
function rangeStart(response: IncomingMessage): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers['content-range'] ?? '');
  return match ? Number(match[1]) : undefined;
}

async function sizeOf(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.size,
    () => undefined,
  );
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** Downloads `url` to `destination` through `destination.part`, resuming and verifying. */
export async function downloadFile(options: {
  url: string;
  destination: string;
  size?: number;
  sha256?: string;
  signal?: AbortSignal;
  onProgress?(progress: DownloadProgress): void;
}): Promise<string> {
  const { url, destination, signal } = options;
  const partial = `${destination}.part`;
  const versionFile = `${partial}.json`;
  const directory = path.dirname(destination);
  if (options.size !== undefined && (await sizeOf(destination)) === options.size) return destination;
  await mkdir(directory, { recursive: true });
  const startOver = async () => {
    await rm(partial, { force: true });
    await rm(versionFile, { force: true });
    return 0;
  };

  let offset = (await sizeOf(partial)) ?? 0;
  const version = offset > 0 ? await readPartVersion(versionFile) : undefined;
  const expectedSha = options.sha256?.toLowerCase();
  // Bytes of another version of the file (the hub's checksum changed since) cannot be resumed.
  if ((options.size !== undefined && offset > options.size) || (version?.sha256 && expectedSha && version.sha256 !== expectedSha)) {
    offset = await startOver();
  }
  if (options.size !== undefined) {
    const { bavail, bsize } = await statfs(directory);
    const needed = options.size - offset;
    if (bavail * bsize < needed) {
      throw new DownloadError(`Not enough disk space in ${directory}: the download needs ${gb(needed)}, ${gb(bavail * bsize)} is free.`, 'diskFull');
    }
  }

  let total = options.size;
  if (options.size === undefined || offset < options.size) {
    let response = await get(url, offset > 0 ? rangeHeaders(offset, version) : {}, signal);
    let status = response.statusCode ?? 0;
    if (status === 206 && rangeStart(response) !== offset) {
      // Not the bytes that were asked for: appending them would corrupt the file.
      response.resume();
      offset = await startOver();
      response = await get(url, {}, signal);
      status = response.statusCode ?? 0;
    }
    if (status === 416 && offset > 0) {
      response.resume();
      // Nothing left to send. The part file is complete only if the server's size is its size;
      // otherwise it belongs to another version (or the listing was wrong): start over next time.
      const size = /^bytes \*\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
      if (size === undefined || Number(size) !== offset) {
        await startOver();
        throw new DownloadError(
          `The partial download did not match the file on the server (HTTP 416); it was deleted. Try again: the download starts over.`,
          'verification',
        );
      }
      total = offset;
    } else if (status !== 200 && status !== 206) {
      response.resume();
      const hint = status === 401 || status === 403 ? ' (the file needs a login or is not public)' : status === 404 ? ' (the file is not there)' : '';
      const message = `Download failed: HTTP ${status} ${response.statusMessage ?? ''}`.trim();
      throw new DownloadError(`${message} for ${url}${hint}.`, status === 404 ? 'notFound' : 'http');
    } else {
      if (status === 200) {
        // A fresh start (the server ignored the Range header, or the file changed since the part
        // was written): remember which version these bytes are.
        offset = 0;
        const fresh: PartVersion = { validator: validatorOf(response), sha256: expectedSha };
        // Without it a resume is unchecked, as for a server that sends no validator.
        await writeFile(versionFile, JSON.stringify(fresh)).catch(() => rm(versionFile, { force: true }));
      }
      const length = Number(response.headers['content-length']);
      if (Number.isFinite(length)) total = offset + length;
      await receive(response, url, partial, offset, total, options.onProgress, signal);
    }
  }

  const received = (await sizeOf(partial)) ?? 0;
  if (total !== undefined && received !== total) {
    if (received > total) await startOver();
    throw new DownloadError(`The download is incomplete (${received} of ${total} bytes). Try again: it resumes.`, 'verification');
  }
  if (options.sha256) {
    const actual = await sha256Of(partial);
    if (actual !== expectedSha) {
      await startOver();
      throw new DownloadError(`The downloaded file is corrupt (sha256 ${actual}, expected ${options.sha256}); it was deleted. Try again.`, 'verification');
    }
  }
  await rename(partial, destination);
  await rm(versionFile, { force: true });
  return destination;
}

/** A resume: the bytes after `offset`, only if the file is still the version the part came from. */
function rangeHeaders(offset: number, version: PartVersion | undefined): Record<string, string> {
  const headers: Record<string, string> = { range: `bytes=${offset}-` };
  if (version?.validator) headers['if-range'] = version.validator;
  return headers;
}

/** Appends the response body to the part file, reporting progress; rejects on cancel or a drop. */
function receive(
  response: IncomingMessage,
  url: string,
  partial: string,
  offset: number,
  total: number | undefined,
  onProgress: ((progress: DownloadProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' });
    const started = performance.now();
    let received = offset;
    let lastReport = 0;
    let failed: Error | undefined;
    const report = (force: boolean) => {
      const now = performance.now();
      if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = now;
      const seconds = (now - started) / 1000;
      onProgress?.({ receivedBytes: received, totalBytes: total, bytesPerSecond: seconds > 0 ? (received - offset) / seconds : undefined });
    };
    const fail = (error: Error) => {
      failed ??= error;
      response.destroy();
      file.end();
    };
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (!file.write(chunk)) response.pause();
      report(false);
    });
    file.on('drain', () => response.resume());
    response.on('end', () => file.end());
    response.on('aborted', () => fail(new DownloadError('The server closed the connection early. Try again: the download resumes.', 'offline')));
    response.on('error', (error) => fail(signal?.aborted ? cancelled() : networkError(error, url)));
    file.on('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'ENOSPC'
          ? `The disk is full: ${path.dirname(partial)} has no space left. Free some space, then try again: the download resumes.`
          : `Could not write ${partial}: ${error.message}`;
      failed ??= new DownloadError(message, error.code === 'ENOSPC' ? 'diskFull' : 'http');
      response.destroy();
      reject(failed);
    });
    file.on('close', () => {
      report(true);
      if (failed) reject(failed);
      else if (signal?.aborted) reject(cancelled());
      else resolve();
    });
    signal?.addEventListener('abort', () => fail(cancelled()), { once: true });
  });
}
