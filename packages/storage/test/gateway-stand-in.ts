import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ObjectNotFoundError, verifyLocalLink, type ObjectStorage } from '@poofbg/storage';

/**
 * The least a gateway must do to serve local-storage links: take the key from the path,
 * check the link, read the object. The real route lives in the gateway; this one lets the
 * tests download a signed link with plain `fetch`.
 */
export interface GatewayStandIn {
  baseUrl: string;
  serve(storage: ObjectStorage, secret: string): void;
  close(): Promise<void>;
}

export async function startGatewayStandIn(): Promise<GatewayStandIn> {
  let target: { storage: ObjectStorage; secret: string } | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const key = decodeURIComponent(url.pathname.replace(/^\/v1\/files\//, ''));
    const verdict = verifyLocalLink({
      key,
      expires: url.searchParams.get('expires') ?? undefined,
      signature: url.searchParams.get('signature') ?? undefined,
      secret: target?.secret ?? '',
    });
    if (!target || !verdict.ok) {
      res.writeHead(403).end(verdict.ok ? 'no storage' : verdict.reason);
      return;
    }

    target.storage.get(key).then(
      (body) => res.writeHead(200).end(body),
      (error: unknown) => res.writeHead(error instanceof ObjectNotFoundError ? 404 : 500).end(),
    );
  });

  const baseUrl = await listen(server);
  return {
    baseUrl,
    serve(storage, secret) {
      target = { storage, secret };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}
