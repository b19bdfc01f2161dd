/**
 * Child process that runs @imgly/background-removal-node, the peer library PoofBG is compared
 * with. It lives in its own process because it brings its own onnxruntime-node (1.17) and
 * must not share native libraries or memory with PoofBG's. Dev-only: nothing that ships
 * imports it (AGPL).
 */
import path from 'node:path';

import { removeBackground, type Config } from '@imgly/background-removal-node';

import type { PeerReply, PeerRequest } from './protocol';

const photos = new Map<string, Blob>();

/**
 * The same IS-Net `medium` (fp16) model PoofBG uses by default, read from the files the
 * package ships instead of its default download address (unreachable here).
 */
const config: Config = {
  publicPath: `file://${path.dirname(require.resolve('@imgly/background-removal-node'))}/`,
  model: 'medium',
  output: { format: 'image/png' },
};

async function handle(request: PeerRequest): Promise<PeerReply> {
  if (request.type === 'load') {
    for (const photo of request.photos) {
      photos.set(photo.name, new Blob([photo.bytes], { type: photo.type }));
    }
    return { type: 'loaded' };
  }

  const image = photos.get(request.name);
  if (!image) return { type: 'failed', message: `unknown photo ${request.name}` };

  const started = performance.now();
  const png = await removeBackground(image, config);
  const ms = performance.now() - started;
  return { type: 'result', name: request.name, ms, bytes: png.size };
}

process.on('message', (request: PeerRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ type: 'failed', message: String(err) } satisfies PeerReply),
  );
});
