import { statSync } from 'node:fs';
import type { CommandUse } from './gate/commandUse';
import { Refusal } from './gate/refusal';
import { commandReadBytes, CONTENT_READERS, MAX_CALL_READ_BYTES } from './limits';

const MB = 1024 * 1024;

/**
 * Whether the command reads the whole of each file it names, so that each must fit what a
 * command reads; `head -c N` and `wc -c` read a prefix or nothing (CommandUse.readsPrefix).
 */
export function readsWholeFiles(command: string, use: CommandUse): boolean {
  return CONTENT_READERS.has(command) && use.readsPrefix === undefined;
}

/**
 * Refuses a command whose files add up to more than one command may read, before it reads any:
 * each file may be within bounds while sixty of them are not. `reals` are its paths as the host
 * read them (confinePath); a name that is missing, or not a regular file, reads nothing.
 */
export function checkNamedReads(command: string, use: CommandUse, reals: readonly string[]): void {
  if (!CONTENT_READERS.has(command)) return;
  let total = 0;
  for (const real of reals) {
    if (real === '-') continue;
    try {
      const stat = statSync(real);
      if (stat.isFile()) total += Math.min(stat.size, use.readsPrefix ?? Infinity);
    } catch {
      // Missing: the command says so itself.
    }
  }
  const allowed = commandReadBytes(command);
  if (total > allowed) {
    throw new Refusal(`the files named add up to ${megabytes(total)}, more than ${command} reads here (${allowed / MB} MB); name fewer files, or search them with rg`);
  }
}

/**
 * What the simulated commands of one call have read, counted as each file is opened. Past
 * MAX_CALL_READ_BYTES every further read fails; the commands word that failure their own way
 * (often as a missing file), so the call's answer also carries `exhaustedMessage`.
 */
export class CallReadBudget {
  private read = 0;
  exhausted = false;

  spend(bytes: number, file: string): void {
    if (this.read + bytes > MAX_CALL_READ_BYTES) {
      this.exhausted = true;
      throw new Error(`EFBIG: read budget of this command line spent, read '${file}'`);
    }
    this.read += bytes;
  }
}

export const exhaustedMessage = `bash: refused: the commands of this line read more than ${MAX_CALL_READ_BYTES / MB} MB of files in all; read fewer or smaller files per call, or search them with rg`;

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}
