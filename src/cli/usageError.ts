/** A mistake in the command line: the CLI prints its message and exits with status 2, without a stack trace. */
export class UsageError extends Error {}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive whole number, not "${value}".`);
  return number;
}

/** A limit in seconds, where 0 means none. */
export function wholeSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(number) || number < 0) throw new UsageError(`${flag} must be a whole number of seconds (0 waits for ever), not "${value}".`);
  return number;
}
