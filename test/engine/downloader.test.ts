import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDownloadCommand } from '../../src/cli/download';
import { UsageError } from '../../src/cli/usageError';
import { DownloadError, downloadFile, downloadModel, resolveHubFile, type DownloadProgress } from '../../src/model/downloader';

const REPOSITORY = 'LocoreMind/LocoOperator-4B-GGUF';
const FILE_NAME = 'LocoOperator-4B-Q4_K_M.gguf';
const payload = randomBytes(3 * 1024 * 1024 + 123);
const sha256 = createHash('sha256').update(payload).digest('hex');
const newerPayload = randomBytes(3 * 1024 * 1024 + 7);

/** What the loopback hub does on the next file request. */
let behaviour: {
  cutAfter?: number;
  ignoreRange?: boolean;
  status?: number;
  sha256?: string;
  /** The version of the file served, with the ETag that names it. */
  version?: { body: Buffer; etag: string };
  /** The size the listing claims, when it is wrong. */
  listedSize?: number;
  /** Answers a Range request with 206 but the whole file (a broken proxy). */
  wrongContentRange?: boolean;
} = {};
const ranges: Array<string | undefined> = [];
const ifRanges: Array<string | undefined> = [];
/** Called when the listing of the slow repository has started to arrive (and never finishes). */
let slowListingStarted = () => {};

function serveFile(req: IncomingMessage, res: ServerResponse): void {
  ranges.push(req.headers.range);
  ifRanges.push(req.headers['if-range'] as string | undefined);
  if (behaviour.status) {
    res.writeHead(behaviour.status).end();
    return;
  }
  const served = behaviour.version?.body ?? payload;
  const etag = behaviour.version?.etag;
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  // If-Range: a range only of the version the client names, otherwise the whole file.
  const rangeApplies = match && !behaviour.ignoreRange && (req.headers['if-range'] === undefined || req.headers['if-range'] === etag);
  const start = rangeApplies && !behaviour.wrongContentRange ? Number(match[1]) : 0;
  if (start >= served.length) {
    res.writeHead(416, { 'content-range': `bytes */${served.length}` }).end();
    return;
  }
  const body = served.subarray(start);
  res.writeHead(rangeApplies ? 206 : 200, {
    'content-length': body.length,
    ...(etag ? { etag } : {}),
    ...(rangeApplies ? { 'content-range': `bytes ${start}-${served.length - 1}/${served.length}` } : {}),
  });
  const cut = behaviour.cutAfter;
  if (cut !== undefined) {
    behaviour = { ...behaviour, cutAfter: undefined };
    res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
    return;
  }
  res.end(body);
}

const server: Server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/api/models/Slow/Repo/tree/main') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[', () => slowListingStarted());
  } else if (url.pathname === `/api/models/${REPOSITORY}/tree/main`) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify([
        { type: 'file', path: 'README.md', size: 10 },
        { type: 'file', path: 'LocoOperator-4B-Q8_0.gguf', size: 9, lfs: { oid: '0'.repeat(64), size: 9 } },
        { type: 'file', path: FILE_NAME, size: 135, lfs: { oid: behaviour.sha256 ?? sha256, size: behaviour.listedSize ?? payload.length } },
      ]),
    );
  } else if (url.pathname === `/${REPOSITORY}/resolve/main/${FILE_NAME}`) {
    // The hub redirects file downloads to a CDN.
    res.writeHead(302, { location: `/cdn/${FILE_NAME}` }).end();
  } else if (url.pathname === `/cdn/${FILE_NAME}`) {
    serveFile(req, res);
  } else {
    res.writeHead(404).end();
  }
});

let endpoint: string;
let directory: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(async () => {
  behaviour = {};
  ranges.length = 0;
  ifRanges.length = 0;
  directory = await mkdtemp(path.join(tmpdir(), 'locooperator-download-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

describe('downloadModel', () => {
  it('resolves the variant on the hub, downloads it with progress and verifies it', async () => {
    const progress: DownloadProgress[] = [];
    const file = await downloadModel({ directory, endpoint, onProgress: (p) => progress.push(p) });
    expect(path.basename(file)).toBe('LocoOperator-4B.Q4_K_M.gguf');
    expect((await readFile(file)).equals(payload)).toBe(true);
    expect(await readdir(directory)).toEqual(['LocoOperator-4B.Q4_K_M.gguf']);
    const last = progress[progress.length - 1]!;
    expect(last).toMatchObject({ receivedBytes: payload.length, totalBytes: payload.length });
    expect(last.bytesPerSecond).toBeGreaterThan(0);
  });

  it('resumes an interrupted download with a Range request', async () => {
    behaviour = { cutAfter: 1024 * 1024 };
    const first = downloadModel({ directory, endpoint });
    await expect(first).rejects.toThrow(DownloadError);
    await expect(first).rejects.toThrow(/resumes/);
    const partial = await stat(path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf.part'));
    expect(partial.size).toBeGreaterThan(0);
    expect(partial.size).toBeLessThan(payload.length);

    const file = await downloadModel({ directory, endpoint });
    expect(ranges).toEqual([undefined, `bytes=${partial.size}-`]);
    expect((await readFile(file)).equals(payload)).toBe(true);
  });

  it('keeps the partial file when cancelled, and resumes from it', async () => {
    const abort = new AbortController();
    const cancelledRun = downloadModel({ directory, endpoint, signal: abort.signal, onProgress: () => abort.abort() });
    await expect(cancelledRun).rejects.toMatchObject({ reason: 'cancelled' });
    const partialSize = (await stat(path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf.part'))).size;
    const file = await downloadModel({ directory, endpoint });
    expect(partialSize).toBeGreaterThan(0);
    expect(ranges[ranges.length - 1]).toBe(`bytes=${partialSize}-`);
    expect((await readFile(file)).equals(payload)).toBe(true);
  });

  it('starts over when the server ignores the Range header', async () => {
    await writeFile(path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf.part'), payload.subarray(0, 1000));
    behaviour = { ignoreRange: true };
    const file = await downloadModel({ directory, endpoint });
    expect((await readFile(file)).equals(payload)).toBe(true);
  });

  it('deletes a partial file the server has nothing more for (HTTP 416), and then starts over', async () => {
    // The part holds more than the real file while the listing claims a larger size.
    await writeFile(path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf.part'), Buffer.concat([payload, Buffer.alloc(10)]));
    behaviour = { listedSize: payload.length + 100 };
    await expect(downloadModel({ directory, endpoint })).rejects.toMatchObject({
      reason: 'verification',
      message: expect.stringMatching(/HTTP 416.*deleted.*starts over/),
    });
    expect(await readdir(directory)).toEqual([]);
    behaviour = {};
    const file = await downloadModel({ directory, endpoint });
    expect((await readFile(file)).equals(payload)).toBe(true);
  });

  it('does not splice two versions: a resume names its version with If-Range', async () => {
    const url = `${endpoint}/cdn/${FILE_NAME}`;
    const destination = path.join(directory, 'model.gguf');
    behaviour = { version: { body: payload, etag: '"v1"' }, cutAfter: 1024 * 1024 };
    await expect(downloadFile({ url, destination })).rejects.toMatchObject({ reason: 'offline' });
    // The file changes on the server before the next attempt; no checksum is known.
    behaviour = { version: { body: newerPayload, etag: '"v2"' } };
    await downloadFile({ url, destination });
    expect(ifRanges).toEqual([undefined, '"v1"']);
    expect((await readFile(destination)).equals(newerPayload)).toBe(true);
    expect(await readdir(directory)).toEqual(['model.gguf']);
  });

  it('starts over when the listing names another version than the partial file was started for', async () => {
    behaviour = { cutAfter: 1024 * 1024 };
    await expect(downloadModel({ directory, endpoint })).rejects.toThrow(DownloadError);
    behaviour = { version: { body: newerPayload, etag: '"v2"' }, sha256: createHash('sha256').update(newerPayload).digest('hex') };
    const file = await downloadModel({ directory, endpoint });
    expect(ranges[ranges.length - 1]).toBeUndefined();
    expect((await readFile(file)).equals(newerPayload)).toBe(true);
  });

  it('starts over when a 206 response does not start at the requested offset', async () => {
    await writeFile(path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf.part'), payload.subarray(0, 1000));
    behaviour = { wrongContentRange: true };
    const file = await downloadModel({ directory, endpoint });
    expect(ranges).toEqual(['bytes=1000-', undefined]);
    expect((await readFile(file)).equals(payload)).toBe(true);
  });

  it('reports a cancel while the file list is read as cancelled', async () => {
    const abort = new AbortController();
    // Late enough for the response to have reached the client: the abort comes while it reads the body.
    slowListingStarted = () => setTimeout(() => abort.abort(), 100);
    await expect(resolveHubFile('Slow/Repo', 'Q4_K_M', abort.signal, endpoint)).rejects.toMatchObject({ reason: 'cancelled' });
  });

  it('uses a finished file when the hub cannot be reached', async () => {
    const file = await downloadModel({ directory, endpoint });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(downloadModel({ directory, endpoint: `http://127.0.0.1:${port}` })).resolves.toBe(file);
  });

  it('reuses a finished file without downloading again', async () => {
    await downloadModel({ directory, endpoint });
    ranges.length = 0;
    await downloadModel({ directory, endpoint });
    expect(ranges).toEqual([]);
  });

  it('deletes a file whose checksum does not match', async () => {
    behaviour = { sha256: 'f'.repeat(64) };
    await expect(downloadModel({ directory, endpoint })).rejects.toMatchObject({ reason: 'verification' });
    expect(await readdir(directory)).toEqual([]);
  });

  it('reports an HTTP error with its status', async () => {
    behaviour = { status: 503 };
    await expect(downloadModel({ directory, endpoint })).rejects.toThrow(/HTTP 503/);
  });

  it('reports an unknown variant and a missing repository clearly', async () => {
    await expect(downloadModel({ directory, endpoint, variant: 'Q9_X' })).rejects.toThrow(/Unknown variant "Q9_X"/);
    await expect(downloadModel({ directory, endpoint, variant: 'Q6_K' })).rejects.toThrow(/has no Q6_K GGUF file/);
    await expect(
      downloadFile({ url: `${endpoint}/nothing/here.gguf`, destination: path.join(directory, 'x.gguf') }),
    ).rejects.toMatchObject({ reason: 'notFound' });
  });

  it.skipIf(!existsSync('/dev/full'))('says the disk is full when a write fails with ENOSPC', async () => {
    // Writes to /dev/full fail with ENOSPC: the partial file stands in for a full disk.
    await symlink('/dev/full', path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf.part'));
    await expect(downloadModel({ directory, endpoint })).rejects.toMatchObject({
      reason: 'diskFull',
      message: expect.stringContaining('The disk is full'),
    });
  });

  it('says the hub cannot be reached when offline', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(downloadModel({ directory, endpoint: `http://127.0.0.1:${port}` })).rejects.toMatchObject({
      reason: 'offline',
      message: expect.stringMatching(/Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
    });
  });
});

describe('locooperator download', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    return { out, err };
  }
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('downloads the default variant into --dir and prints its path', async () => {
    vi.stubEnv('HF_ENDPOINT', endpoint);
    const { out, err } = capture();
    const code = await runDownloadCommand(['--dir', directory]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const file = path.join(directory, 'LocoOperator-4B.Q4_K_M.gguf');
    expect(out.join('')).toBe(`${file}\n`);
    expect(err.join('')).toContain('(100%)');
    expect((await readFile(file)).equals(payload)).toBe(true);
  });

  it('fails with exit code 1 and the reason when the download fails', async () => {
    vi.stubEnv('HF_ENDPOINT', endpoint);
    behaviour = { status: 500 };
    const { err } = capture();
    const code = await runDownloadCommand(['--dir', directory]);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/HTTP 500/);
  });

  it('rejects an unknown variant as a usage error', async () => {
    const error = await runDownloadCommand(['--variant', 'Q1', '--dir', directory]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/Known variants: Q4_K_M/);
  });
});
