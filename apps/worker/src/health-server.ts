import http, { type Server } from 'node:http';

/**
 * `/healthz` answers while the process runs; `/readyz` only once `isReady()` says the model
 * is loaded and the queue connection is up, so an orchestrator holds traffic until then.
 */
export function startHealthServer(
  port: number,
  isReady: () => { ready: boolean; detail: Record<string, unknown> },
): Promise<Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') return reply(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { ready, detail } = isReady();
      return reply(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', ...detail });
    }
    reply(res, 404, { error: { message: 'Not found', code: 'NOT_FOUND' } });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
