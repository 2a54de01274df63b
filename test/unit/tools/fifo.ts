import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Node has no mkfifo; the coreutils command makes one. */
export async function mkfifo(file: string): Promise<void> {
  await promisify(execFile)('mkfifo', [file]);
}
