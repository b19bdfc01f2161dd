import http from 'node:http';
import https from 'node:https';

/**
 * An HTTP(S) agent whose sockets fail a request once they sit idle for `idleTimeoutMs`,
 * whether still connecting or waiting for a response. The minio client sets no timeout of its
 * own, so without this a server that accepts but never answers would hang the caller forever.
 * The limit is on silence, not on total time, so large uploads and downloads are not cut off.
 */
export function createIdleTimeoutAgent(useSSL: boolean, idleTimeoutMs: number): http.Agent {
  // The agent's own `timeout` re-arms the timer on every reuse and closes idle pooled sockets;
  // it only emits 'timeout' on busy ones, so the listener below turns that into a failure.
  const options = { keepAlive: true, timeout: idleTimeoutMs };
  const agent = useSSL ? new https.Agent(options) : new http.Agent(options);

  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (connectOptions, callback) => {
    const socket = createConnection(connectOptions, callback);
    socket?.on('timeout', () => {
      socket.destroy(new Error(`storage request idle for more than ${idleTimeoutMs} ms`));
    });
    return socket;
  };

  return agent;
}
