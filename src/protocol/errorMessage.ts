/** An error as the one line that crosses a boundary (a log, a notice, an IPC reply): its message, or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
