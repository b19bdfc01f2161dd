import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RemovalResult, Segmenter, StageTimings } from '@poofbg/segmentation';
import { createLocalStorage, type ObjectStorage } from '@poofbg/storage';

import { startPeerLibrary, type PeerLibrary } from '../peer/imgly-client';
import type { BenchPhoto } from '../photos';
import { openRawModel, startSegmenter, type RawModel } from '../pipelines';
import { note } from '../progress';
import { summarise, type Summary } from '../stats';

type Stage = keyof StageTimings | 'storageMs';

/** One photo's numbers over all rounds. */
export interface PhotoResult {
  photo: string;
  width: number;
  height: number;
  /** `removeBackground` from encoded bytes in to PNG bytes out, as the peer is measured. */
  poofbgMs: Summary;
  /** Each stage of PoofBG's pipeline; storage is the result's write to a local folder. */
  stages: Record<Stage, Summary>;
  /** @imgly/background-removal-node on the same photo; null when it was skipped. */
  peerMs: Summary | null;
  /** `session.run` alone on the photo's prepared input. */
  rawInferenceMs: Summary;
  /** PoofBG ÷ peer, paired within each round so drifting machine load cancels out. */
  vsPeer: Summary | null;
  /** PoofBG ÷ raw `session.run`, paired within each round. */
  vsRawInference: Summary;
}

interface Contenders {
  segmenter: Segmenter;
  raw: RawModel;
  peer: PeerLibrary | null;
  storage: ObjectStorage;
  /** The folder `storage` writes to, removed at the end. */
  storageRoot: string;
}

interface Round {
  poofbg: number;
  stages: Record<Stage, number>;
  peer: number | null;
  raw: number;
}

/**
 * Runs every photo through PoofBG, the peer library and the bare model, taking turns within
 * each round (and rotating who goes first) so that load from other work on the machine
 * falls on all three alike. One untimed warm-up round comes first.
 */
export async function measurePhotos(
  photos: BenchPhoto[],
  options: { rounds: number; peer: boolean },
): Promise<PhotoResult[]> {
  const contenders = await startContenders(photos, options.peer);
  try {
    const rounds = new Map<string, Round[]>(photos.map((photo) => [photo.name, []]));
    for (let round = 0; round <= options.rounds; round += 1) {
      for (const photo of photos) {
        const measured = await measureRound(contenders, photo, round);
        if (round > 0) rounds.get(photo.name)!.push(measured);
        note(`photos: round ${round}/${options.rounds} ${photo.name} ${describe(measured)}`);
      }
    }

    return photos.map((photo) => summariseRounds(photo, rounds.get(photo.name)!));
  } finally {
    await stopContenders(contenders);
  }
}

async function startContenders(photos: BenchPhoto[], withPeer: boolean): Promise<Contenders> {
  const root = await mkdtemp(path.join(tmpdir(), 'poofbg-bench-storage-'));
  const storage = createLocalStorage({
    root,
    publicBaseUrl: 'http://localhost:8080',
    signingSecret: 'bench-only-secret-bench-only-secret',
  });

  return {
    segmenter: await startSegmenter(),
    raw: await openRawModel(photos),
    peer: withPeer ? await startPeerLibrary(photos) : null,
    storage,
    storageRoot: root,
  };
}

async function stopContenders(contenders: Contenders): Promise<void> {
  await contenders.segmenter.close();
  await contenders.raw.release();
  await contenders.peer?.close();
  await rm(contenders.storageRoot, { recursive: true, force: true });
}

async function measureRound(c: Contenders, photo: BenchPhoto, round: number): Promise<Round> {
  const turns: Array<() => Promise<void>> = [];
  const measured: Partial<Round> = { peer: null };

  turns.push(async () => void Object.assign(measured, await timePoofbg(c, photo)));
  turns.push(async () => void (measured.raw = await c.raw.run(photo.name)));
  if (c.peer) turns.push(async () => void (measured.peer = await c.peer!.run(photo.name)));

  for (let turn = 0; turn < turns.length; turn += 1) {
    await turns[(turn + round) % turns.length]!();
  }
  return measured as Round;
}

async function timePoofbg(c: Contenders, photo: BenchPhoto) {
  const started = performance.now();
  const result: RemovalResult = await c.segmenter.removeBackground(photo.bytes);
  const poofbg = performance.now() - started;

  const stored = performance.now();
  await c.storage.put(`results/${photo.name}.png`, result.png, 'image/png');
  const storageMs = performance.now() - stored;

  return { poofbg, stages: { ...result.timings, storageMs } };
}

function summariseRounds(photo: BenchPhoto, rounds: Round[]): PhotoResult {
  const stageNames = Object.keys(rounds[0]!.stages) as Stage[];
  const stages = Object.fromEntries(
    stageNames.map((stage) => [stage, summarise(rounds.map((r) => r.stages[stage]))]),
  ) as Record<Stage, Summary>;
  const peerRounds = rounds.filter((r): r is Round & { peer: number } => r.peer !== null);

  return {
    photo: photo.name,
    width: photo.width,
    height: photo.height,
    poofbgMs: summarise(rounds.map((r) => r.poofbg)),
    stages,
    peerMs: peerRounds.length ? summarise(peerRounds.map((r) => r.peer)) : null,
    rawInferenceMs: summarise(rounds.map((r) => r.raw)),
    vsPeer: peerRounds.length ? summarise(peerRounds.map((r) => r.poofbg / r.peer)) : null,
    vsRawInference: summarise(rounds.map((r) => r.poofbg / r.raw)),
  };
}

function describe(round: Round): string {
  const peer = round.peer === null ? '' : ` peer ${Math.round(round.peer)} ms`;
  return `poofbg ${Math.round(round.poofbg)} ms, raw ${Math.round(round.raw)} ms${peer}`;
}
