import type { MachineInfo } from './machine';
import type { LoadSummary } from './load/load-summary';
import type { HttpRun } from './sections/http';
import type { MemoryResult } from './sections/memory';
import type { PhotoResult } from './sections/per-photo';
import type { QueueResult } from './sections/queue-ceiling';
import type { SessionResult } from './sections/sessions';
import type { ThroughputResult } from './sections/throughput';
import { formatMs, formatRatio } from './stats';
import { renderTable } from './table';

/** Everything one run measured; written as JSON and rendered as tables. */
export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  quick: boolean;
  args: string[];
  machineAtStart: MachineInfo;
  machineAtEnd?: MachineInfo;
  /** Each section's load average when it started and how long it took. */
  sectionRuns: Array<{ section: string; loadAverageAtStart: number[]; seconds: number }>;
  sections: {
    photos?: PhotoResult[];
    sessions?: SessionResult[];
    throughput?: ThroughputResult[];
    http?: HttpRun[];
    queue?: QueueResult;
    memory?: MemoryResult;
  };
}

export function renderReport(report: BenchReport): string {
  const parts = [renderMachine(report)];
  if (report.sections.photos) parts.push(renderPhotos(report.sections.photos));
  const { sessions, throughput, http, queue, memory } = report.sections;
  if (sessions) parts.push(renderSessions(sessions));
  if (throughput) parts.push(renderThroughput(throughput));
  if (http) parts.push(renderHttp(http));
  if (queue) parts.push(renderQueue(queue));
  if (memory) parts.push(renderMemory(memory));

  return parts.join('\n\n');
}

function renderMachine(report: BenchReport): string {
  const start = report.machineAtStart;
  const endLoad = report.machineAtEnd?.loadAverage.join(' ') ?? '?';
  return [
    `PoofBG benchmark ${report.startedAt}${report.quick ? ' (quick: not for quoting)' : ''}`,
    `${start.cores} cores (${start.cpuModel}), ${start.memoryGiB} GiB, ${start.platform}, ` +
      `Node ${start.node}`,
    `load average (1/5/15 min) at start ${start.loadAverage.join(' ')}, at end ${endLoad}`,
    ...report.sectionRuns.map(
      (run) =>
        `  ${run.section}: ${run.seconds} s, load at its start ${run.loadAverageAtStart.join(' ')}`,
    ),
  ].join('\n');
}

function renderPhotos(photos: PhotoResult[]): string {
  const headers = [
    'photo',
    'pixels',
    'PoofBG ms',
    'peer ms',
    'PoofBG/peer',
    'raw run ms',
    'PoofBG/raw',
    'best/best',
    'decode',
    'pre',
    'inference',
    'post',
    'encode',
    'storage',
  ];
  const rows = photos.map((p) => [
    p.photo,
    `${p.width}x${p.height}`,
    formatMs(p.poofbgMs),
    p.peerMs ? formatMs(p.peerMs) : '-',
    p.vsPeer ? formatRatio(p.vsPeer) : '-',
    formatMs(p.rawInferenceMs),
    formatRatio(p.vsRawInference),
    (p.poofbgMs.min / p.rawInferenceMs.min).toFixed(2),
    formatMs(p.stages.decodeMs),
    formatMs(p.stages.preprocessMs),
    formatMs(p.stages.inferenceMs),
    formatMs(p.stages.postprocessMs),
    formatMs(p.stages.encodeMs),
    formatMs(p.stages.storageMs),
  ]);

  const title =
    'Per photo, one at a time (ms: median ±half the interquartile range; ratios: ' +
    'median (min–max) of per-round pairs; best/best: fastest PoofBG ÷ fastest raw run)';
  return `${title}\n${renderTable(headers, rows)}`;
}

function renderSessions(sessions: SessionResult[]): string {
  const headers = [
    'model and session options',
    'load ms',
    'session.run ms',
    'min ms',
    'CPU ms',
    'vs fp16 as shipped',
  ];
  const rows = sessions.map((s) => [
    s.variant,
    String(Math.round(s.loadMs)),
    formatMs(s.runMs),
    String(Math.round(s.runMs.min)),
    formatMs(s.cpuMs),
    formatRatio(s.vsShipped),
  ]);

  const title = 'Model variants and onnxruntime session options (CPU, same input)';
  return `${title}\n${renderTable(headers, rows)}`;
}

function renderThroughput(levels: ThroughputResult[]): string {
  const headers = ['removals in flight', 'ms per image', 'vs raw session.run'];
  const rows = levels.map((l) => [
    String(l.inFlight),
    formatMs(l.msPerImage),
    formatRatio(l.vsRawInference),
  ]);

  const title = 'One segmenter, steady state over the fixture photos (overlapping calls)';
  return `${title}\n${renderTable(headers, rows)}`;
}

const loadHeaders = [
  'in flight',
  'done',
  'jobs/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'gateway ms',
  'worker ms',
  'added ms',
];

function loadRow(load: LoadSummary): string[] {
  const failed = Object.entries(load.notCompleted).map(([status, n]) => ` +${n} ${status}`);
  return [
    String(load.concurrency),
    `${load.completed}/${load.requests}${failed.join('')}`,
    load.throughputPerSecond.toFixed(2),
    String(Math.round(load.latencyMs.median)),
    String(Math.round(load.latencyMs.p95)),
    String(Math.round(load.latencyMs.p99)),
    formatMs(load.gatewayMs),
    formatMs(load.workerMs),
    formatMs(load.addedMs),
  ];
}

function renderHttp(runs: HttpRun[]): string {
  const headers = ['worker concurrency', ...loadHeaders];
  const rows = runs.flatMap((run) =>
    run.levels.map((level) => [run.worker.concurrency ?? '?', ...loadRow(level)]),
  );

  const worker = runs[0] ? describeWorker(runs[0].worker) : '';
  const title = `End to end through the API, one worker (${worker}; real IS-Net model)`;
  return `${title}\n${renderTable(headers, rows)}`;
}

function renderQueue(queue: QueueResult): string {
  const headers = ['worker concurrency', ...loadHeaders];
  const rows = queue.runs.map((run) => [String(run.workerConcurrency), ...loadRow(run.load)]);

  const title = `Queue ceiling with the ${queue.model}; image: ${queue.image}`;
  return `${title}\n${renderTable(headers, rows)}`;
}

function renderMemory(memory: MemoryResult): string {
  const mib = (value: number) => `${Math.round(value)} MiB`;
  const headers = ['images', 'RSS after 1st batch', 'peak RSS', 'RSS at end', 'trend, 2nd half'];
  const row = [
    `${memory.completed}/${memory.images}`,
    mib(memory.startMiB),
    mib(memory.peakMiB),
    mib(memory.endMiB),
    `${memory.secondHalfMiBPer100Images.toFixed(1)} MiB per 100 images`,
  ];

  const worker = `concurrency ${memory.worker.concurrency}, ${describeWorker(memory.worker)}`;
  const title =
    `Worker memory over consecutive images (${worker}; ` +
    `high-water mark ${mib(memory.highWaterStartMiB)} after the 1st batch, ` +
    `${mib(memory.highWaterEndMiB)} at the end)`;
  return `${title}\n${renderTable(headers, [row])}`;
}

function describeWorker(worker: Record<string, string>): string {
  return `${worker.provider}, widened to fp32: ${worker.widened}`;
}
