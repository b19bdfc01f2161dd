import { connect, type Socket } from 'node:net';

/** What the server did with a connection a test wrote to by hand. */
export interface RawExchange {
  socket: Socket;
  /** Everything the server sent, decoded as latin1. */
  received(): string;
  /** Resolves once the server closed the connection, with the ms since it was opened. */
  closed: Promise<number>;
}

/**
 * Opens a TCP connection to `baseUrl`'s host and port and writes `data` exactly as given,
 * then nothing more: the connection stays open until the server closes it. This is how a
 * client that stalls, or that speaks broken HTTP, looks to the gateway.
 */
export async function writeRaw(baseUrl: string, data: string | Buffer): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  const opened = performance.now();
  const chunks: Buffer[] = [];

  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => {
    socket.once('close', () => resolve(performance.now() - opened));
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(data);

  return { socket, received: () => Buffer.concat(chunks).toString('latin1'), closed };
}

/** The head of a POST to `/v1/remove-background` with `headers` in this order. */
export function requestHead(apiKey: string, headers: Record<string, string>): string {
  const lines = [
    'POST /v1/remove-background HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${apiKey}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
