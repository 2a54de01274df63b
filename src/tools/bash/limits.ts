/** Largest file the simulated commands read; bigger files are refused rather than filling memory. */
export const MAX_FILE_READ_BYTES = 32 * 1024 * 1024;

/**
 * Bytes of files one simulated command may read in all (its operands together). What a command
 * reads lives outside the worker's V8 heap (Node keeps a large Latin-1 string external), so the
 * heap limit does not bound it, and a command holds several times what it read (lines, the
 * sorted copy, the output): `sort` of one 31 MB file named 60 times took the process to 5 GB.
 */
export const MAX_COMMAND_READ_BYTES = 64 * 1024 * 1024;

/**
 * Smaller shares for the commands that build far more than they read: diff aligns every line of
 * one file with the other's (two 1 MB files with every tenth line changed took 20 s; two of
 * 30 MB ran past two minutes and past 2 GB), and jq builds objects many times the size of their
 * text (20 files of 4 MB, 1.2 GB).
 */
const COMMAND_READ_BYTES: Readonly<Record<string, number>> = { diff: 8 * 1024 * 1024, jq: 32 * 1024 * 1024 };

/** Bytes of files this command may read in all. */
export function commandReadBytes(command: string): number {
  return Object.hasOwn(COMMAND_READ_BYTES, command) ? COMMAND_READ_BYTES[command]! : MAX_COMMAND_READ_BYTES;
}

/**
 * Bytes of files the commands of one call may read in all: a backstop for what no command line
 * names (a simulated `grep -r` over a tree, reads repeated command after command).
 */
export const MAX_CALL_READ_BYTES = 256 * 1024 * 1024;

/** Output kept from one run; the model sees far less, but the tool counts the lines it drops. */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/** Commands that read whole files through the simulated file system (grep and rg use ripgrep). */
export const CONTENT_READERS = new Set(['cat', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'nl', 'diff', 'comm', 'sed', 'file', 'awk', 'jq']);

/**
 * Threads one git command may start (git grep starts one per core, and --threads=100000 as many
 * as asked): the gate refuses more, and the git directory the host builds pins grep.threads to
 * no more than this.
 */
export const MAX_GIT_THREADS = 8;
