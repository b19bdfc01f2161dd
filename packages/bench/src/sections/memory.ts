import { createApiKeys, startBenchStack } from '../load/bench-stack';
import { runClosedLoop } from '../load/closed-loop';
import { readProcessMemory } from '../load/process-memory';
import type { BenchPhoto } from '../photos';
import { note } from '../progress';
import { workerSettings } from './http';

export interface MemoryResult {
  images: number;
  completed: number;
  worker: Record<string, string>;
  /** The photos in the order they were sent, repeated. */
  mix: string[];
  /** Resident memory after the first batch of images, at its highest, and at the end. */
  startMiB: number;
  peakMiB: number;
  endMiB: number;
  /** The kernel's high-water mark after the first batch and at the end. */
  highWaterStartMiB: number;
  highWaterEndMiB: number;
  /** Least-squares slope of resident memory over the second half of the run. */
  secondHalfMiBPer100Images: number;
  /** Resident memory after every `batch` images. */
  samples: Array<{ images: number; rssMiB: number }>;
}

/**
 * Sends `images` photos through one real worker, a batch at a time, and reads the worker
 * process's resident memory after each batch: growth that goes on is a leak.
 */
export async function measureMemory(
  photos: BenchPhoto[],
  options: { images: number; batch: number },
): Promise<MemoryResult> {
  const stack = await startBenchStack();
  try {
    const apiKeys = await createApiKeys(stack, 4);
    const pid = stack.workers[0]!.child.pid!;
    const mix = photoMix(photos);
    const settings = workerSettings(stack.workers[0]!.logs);
    const concurrency = Number(settings.concurrency) || 1;

    const samples: Array<{ images: number; rssMiB: number }> = [];
    let peakMiB = 0;
    let highWaterStartMiB = 0;
    let completed = 0;
    for (let sent = 0; sent < options.images; sent += options.batch) {
      // Each batch starts where the mix left off, so every photo keeps its turn.
      const images = rotate(mix, sent).map((photo) => photo.bytes);
      const requests = Math.min(options.batch, options.images - sent);
      const run = await runClosedLoop({ url: stack.url, apiKeys, images, concurrency, requests });
      completed += run.samples.filter((s) => s.jobStatus === 'completed').length;

      const memory = await readProcessMemory(pid);
      samples.push({ images: sent + requests, rssMiB: memory.rssMiB });
      peakMiB = Math.max(peakMiB, memory.peakMiB);
      if (sent === 0) highWaterStartMiB = memory.peakMiB;
      note(`memory: ${sent + requests} images, RSS ${Math.round(memory.rssMiB)} MiB`);
    }

    const last = samples[samples.length - 1]!;
    return {
      images: options.images,
      completed,
      worker: settings,
      mix: mix.map((photo) => photo.name),
      startMiB: samples[0]!.rssMiB,
      peakMiB,
      endMiB: last.rssMiB,
      highWaterStartMiB,
      highWaterEndMiB: (await readProcessMemory(pid)).peakMiB,
      secondHalfMiBPer100Images: slopePer100(samples.slice(Math.floor(samples.length / 2))),
      samples,
    };
  } finally {
    await stack.stop();
  }
}

/** Every photo in turn, with the large one once per ten images when there is one. */
function photoMix(photos: BenchPhoto[]): BenchPhoto[] {
  const small = photos.filter((p) => p.width * p.height < 4_000_000);
  const large = photos.filter((p) => p.width * p.height >= 4_000_000);

  const mix: BenchPhoto[] = [];
  for (let i = 0; i < 10 - large.length; i += 1) mix.push(small[i % small.length]!);
  return [...mix, ...large];
}

function rotate<T>(items: T[], start: number): T[] {
  const offset = start % items.length;
  return [...items.slice(offset), ...items.slice(0, offset)];
}

function slopePer100(samples: Array<{ images: number; rssMiB: number }>): number {
  const n = samples.length;
  if (n < 2) return 0;

  const meanX = samples.reduce((sum, s) => sum + s.images, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.rssMiB, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.images - meanX) * (s.rssMiB - meanY);
    variance += (s.images - meanX) ** 2;
  }
  return (covariance / variance) * 100;
}
