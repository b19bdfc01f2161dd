/** The error's own message without its stack, for wrapping it in a message of ours. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
