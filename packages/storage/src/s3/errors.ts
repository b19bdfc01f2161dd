/** Error codes minio gives a 404 for a key: with an XML body, or without one (HEAD). */
const missingObjectCodes = new Set(['NoSuchKey', 'NotFound']);

/** Whether a minio error means the object is not there (as opposed to the server failing). */
export function isMissingObject(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && missingObjectCodes.has(code);
}
