import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type { BenchPhoto } from '../photos';
import type { PeerReply, PeerRequest } from './protocol';

/** The parent's handle on the peer-library process: one request at a time. */
export interface PeerLibrary {
  /** Milliseconds the peer took for the photo, measured inside its process. */
  run(name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startPeerLibrary(photos: BenchPhoto[]): Promise<PeerLibrary> {
  // Structured-clone serialisation sends the photo bytes as bytes, not as JSON arrays.
  const child = fork(path.join(__dirname, 'imgly-process.js'), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const load = photos.map(({ name, bytes, type }) => ({ name, bytes, type }));
  await ask(child, { type: 'load', photos: load });

  return {
    async run(name) {
      const reply = await ask(child, { type: 'run', name });
      if (reply.type !== 'result') throw new Error(`peer library: unexpected ${reply.type}`);
      return reply.ms;
    },
    async close() {
      child.kill();
      await exited;
    },
  };
}

function ask(child: ChildProcess, request: PeerRequest): Promise<PeerReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`peer library exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (reply: PeerReply) => {
      child.off('exit', onExit);
      if (reply.type === 'failed') reject(new Error(`peer library: ${reply.message}`));
      else resolve(reply);
    });
    child.send(request);
  });
}
