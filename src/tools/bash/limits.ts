/** Largest file the simulated commands read; bigger files are refused rather than filling memory. */
export const MAX_FILE_READ_BYTES = 32 * 1024 * 1024;

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
