/** Where a minio `Client` connects, split out of a URL such as `http://minio:9000`. */
export interface ClientEndpoint {
  endPoint: string;
  port: number;
  useSSL: boolean;
}

/**
 * Reads scheme, host and port from an endpoint URL. Rejects anything with a path, query or
 * credentials: the minio client can only address a server at its root.
 */
export function parseEndpoint(value: string): ClientEndpoint {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`storage endpoint must be http or https: ${value}`);
  }

  const extra = (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash;
  if (extra || url.username || url.password) {
    throw new Error(`storage endpoint must be scheme://host[:port] only: ${value}`);
  }

  const useSSL = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : useSSL ? 443 : 80;
  // URL keeps IPv6 hosts in brackets; the client adds its own.
  const endPoint = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { endPoint, port, useSSL };
}
