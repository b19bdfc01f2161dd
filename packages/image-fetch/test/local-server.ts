import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP server on 127.0.0.1 for one test file. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every socket the server accepted, to see whether and when the client hung up. */
  sockets: Socket[];
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 on a free port. */
export async function startLocalServer(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  const sockets: Socket[] = [];
  server.on('connection', (socket) => sockets.push(socket));

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    sockets,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves once `socket` has closed. */
export function closed(socket: Socket | undefined): Promise<void> {
  if (socket === undefined) return Promise.reject(new Error('no socket was accepted'));
  if (socket.closed) return Promise.resolve();

  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Runs `work` and reports how long it took to settle, with its error if it failed. */
export async function timed(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );

  return { error, ms: performance.now() - started };
}
