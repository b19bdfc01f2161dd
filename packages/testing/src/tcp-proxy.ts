import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** How a proxy treats traffic: passed through, refused, or swallowed in silence. */
export type ProxyMode = 'open' | 'cut' | 'blackhole';

export interface TcpProxy {
  /** The loopback port clients connect to instead of the real service. */
  port: number;
  mode: ProxyMode;
  /**
   * Closes every connection and refuses new ones, as a service that went down does.
   * Clients see resets and `ECONNREFUSED` until `restore()`.
   */
  cut(): Promise<void>;
  /**
   * Stops forwarding in both directions without closing anything, as a network partition
   * does: requests already sent and new connections hang until the client gives up.
   */
  blackhole(): void;
  /** Forwards again; connections held by `blackhole()` are closed so clients reconnect. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on loopback that a test puts between the apps and one service (PostgreSQL,
 * Redis, the S3 server) to take that service away from this stack only, while every other
 * test file keeps using the real one.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let mode: ProxyMode = 'open';
  let server = await listen(0, onConnection);
  const port = (server.address() as { port: number }).port;

  function onConnection(client: Socket): void {
    if (mode === 'blackhole') {
      client.on('error', () => undefined);
      pairs.add([client, client]);
      return;
    }
    const upstream = createConnection(target);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);

    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk) => mode === 'open' && upstream.write(chunk));
    upstream.on('data', (chunk) => mode === 'open' && client.write(chunk));
  }

  const destroyAll = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    get mode() {
      return mode;
    },
    async cut() {
      mode = 'cut';
      destroyAll();
      await closeServer(server);
    },
    blackhole() {
      mode = 'blackhole';
    },
    async restore() {
      const wasCut = mode === 'cut';
      mode = 'open';
      destroyAll();
      if (wasCut) server = await listen(port, onConnection);
    },
    async close() {
      destroyAll();
      if (server.listening) await closeServer(server);
    },
  };
}

function listen(port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
