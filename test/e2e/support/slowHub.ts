// A stand-in for the model hub on loopback (the extension reads HF_ENDPOINT) whose download of
// the model never finishes on its own: it sends the first megabyte, then a trickle that keeps the
// connection alive, until the test drops it. A view in the middle of a download stays so for as
// long as a test looks at it.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const REPOSITORY = 'LocoreMind/LocoOperator-4B-GGUF';
const FILE = 'LocoOperator-4B-Q4_K_M.gguf';
/** What the hub says the file weighs: a real build's size. */
const SIZE = 2_497_279_040;
/** Under the downloader's stall limit (30 s), so that the connection is never dropped for silence. */
const TRICKLE_MS = 2_000;

export interface SlowHub {
  endpoint: string;
  /** Ends the download the way a broken connection does. */
  dropDownloads(): void;
  close(): Promise<void>;
}

export async function startSlowHub(): Promise<SlowHub> {
  const downloads = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    if (request.url === `/api/models/${REPOSITORY}/tree/main`) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify([{ type: 'file', path: FILE, size: SIZE }]));
    } else if (request.url === `/${REPOSITORY}/resolve/main/${FILE}`) {
      downloads.add(response);
      response.writeHead(200, { 'content-length': SIZE });
      response.write(Buffer.alloc(1 << 20));
      const timer = setInterval(() => response.write(Buffer.alloc(1024)), TRICKLE_MS);
      response.on('close', () => {
        clearInterval(timer);
        downloads.delete(response);
      });
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropDownloads = () => {
    for (const response of downloads) response.destroy();
  };
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropDownloads,
    async close() {
      dropDownloads();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
