/** A mistake in the command line: the CLI prints its message and exits with status 2, without a stack trace. */
export class UsageError extends Error {}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${flag} must be a positive whole number, not "${value}".`);
  return number;
}
