/** Progress for the person watching a run; stderr, so the table on stdout stays clean. */
export function note(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${time}] ${message}\n`);
}
