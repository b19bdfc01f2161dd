import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `body` to `file` so that readers see either the old file or the whole new one:
 * the bytes go to a temporary file in the same folder (so the rename cannot cross file
 * systems), are flushed to disk, and the temporary file is then renamed over `file`.
 */
export async function writeFileAtomic(file: string, body: Buffer): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });

  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeAndSync(temp, body);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function writeAndSync(file: string, body: Buffer): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(body);
    // Without this a crash soon after the rename could leave an empty file under the name.
    await handle.sync();
  } finally {
    await handle.close();
  }
}
