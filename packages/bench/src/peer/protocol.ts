/** Parent to peer process: the photos once, then one run at a time by name. */
export type PeerRequest =
  | { type: 'load'; photos: { name: string; bytes: Uint8Array; type: string }[] }
  | { type: 'run'; name: string };

/** Peer process to parent. */
export type PeerReply =
  | { type: 'loaded' }
  | { type: 'result'; name: string; ms: number; bytes: number }
  | { type: 'failed'; message: string };
