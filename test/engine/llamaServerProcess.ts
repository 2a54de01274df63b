import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { llamaCppDir } from '../../scripts/llama-cpp/build.mjs';

/**
 * A real llama.cpp llama-server for the server back-end's tests, built from the llama.cpp source
 * that node-llama-cpp ships (scripts/llama-cpp/build.mjs, cached outside the clone; .ci/run builds
 * it after npm ci). Absent, the suite builds it; it skips only when it is absent AND
 * LOCOOPERATOR_SKIP_LLAMA_SERVER=1 says so, so a missing build never passes silently.
 */
export const SKIP_LLAMA_SERVER_ENV = 'LOCOOPERATOR_SKIP_LLAMA_SERVER';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const binary = path.join(llamaCppDir(), 'bin', 'llama-server');

/** Why the real-server tests do not run here, or undefined when they do. */
export function llamaServerSkipReason(): string | undefined {
  if (existsSync(binary) || process.env[SKIP_LLAMA_SERVER_ENV] !== '1') return undefined;
  return `llama-server is not built (${binary}) and ${SKIP_LLAMA_SERVER_ENV}=1: the real-server tests are skipped. Build it with "node scripts/llama-cpp/build.mjs".`;
}

/** The llama-server binary, built first when it is missing (about 30 minutes on two cores). */
export function ensureLlamaServer(): Promise<string> {
  if (existsSync(binary)) return Promise.resolve(binary);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'scripts/llama-cpp/build.mjs')], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error || !existsSync(binary)) reject(new Error(`Building llama-server failed: ${error?.message ?? 'no binary'}\n${stderr.slice(-2000)}`));
      else resolve(binary);
    });
  });
}

export interface RunningLlamaServer {
  url: string;
  /** What the server logged, for failure messages. */
  log: string[];
  stop(): Promise<void>;
}

/**
 * Starts llama-server on a random loopback port with one thread and one slot (and /metrics, which
 * counts the tokens each finished or stopped request generated), and resolves once /health says
 * the model is loaded.
 */
export async function startLlamaServer(modelPath: string, extraArgs: string[] = []): Promise<RunningLlamaServer> {
  const executable = await ensureLlamaServer();
  const child: ChildProcess = spawn(
    executable,
    ['-m', modelPath, '--host', '127.0.0.1', '--port', '0', '--threads', '1', '--threads-batch', '1', '--ctx-size', '8192', '--parallel', '1', '--no-webui', '--no-warmup', '--metrics', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onLine = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.trim() !== '') log.push(line);
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (match) resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => reject(new Error(`llama-server exited (code ${code}) before listening:\n${log.slice(-20).join('\n')}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    // 503 while the model loads, 200 once it can answer.
    while ((await fetch(`${url}/health`).then((response) => response.status, () => 0)) !== 200) {
      if (child.exitCode !== null) throw new Error(`llama-server exited while loading:\n${log.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, log, stop };
}
