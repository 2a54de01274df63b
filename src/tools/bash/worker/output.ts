/** Characters of output the model sees, as in the trained tool. */
export const MAX_OUTPUT_CHARS = 30_000;

/** Commands whose exit status 1 means "nothing found" or "files differ", not failure. */
const QUIET_FAILURES = new Set(['grep', 'rg', 'find', 'diff', 'test']);

/**
 * The text the model sees for a finished command, in the trained tool's shape: stdout without
 * leading blank lines or trailing whitespace, then stderr; `Exit code N` first on failure.
 */
export function formatOutput(stdout: string, stderr: string, exitCode: number, lastCommand: string): string {
  const out = stdout.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
  const err = stderr.trimEnd();
  let text: string;
  if (exitCode !== 0 && !(exitCode === 1 && QUIET_FAILURES.has(lastCommand))) {
    text = `Exit code ${exitCode}\n${err}\n${out}`.trimEnd();
  } else {
    text = [out, err].filter((part) => part !== '').join('\n');
  }
  if (text === '') return '(Bash completed with no output)';
  return capOutput(text);
}

/** The first MAX_OUTPUT_CHARS characters and a count of the lines left out. */
export function capOutput(text: string): string {
  if (text.length <= MAX_OUTPUT_CHARS) return text;
  const dropped = text.slice(MAX_OUTPUT_CHARS);
  const lines = dropped.split('\n').length;
  return `${text.slice(0, MAX_OUTPUT_CHARS)}\n\n... [${lines} lines truncated] ...`;
}
