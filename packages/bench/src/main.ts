/**
 * PoofBG's benchmark suite. `pnpm bench` builds the workspace and runs every section; the
 * tables go to stdout, progress to stderr, and everything measured (with the machine it
 * was measured on) to a JSON file. See docs/benchmarks.md for how to read it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { parseArgs, type BenchArgs, type SectionName } from './args';
import { describeMachine } from './machine';
import { loadPhotos, type BenchPhoto } from './photos';
import { note } from './progress';
import { renderReport, type BenchReport } from './report';
import { measureHttp } from './sections/http';
import { measureMemory } from './sections/memory';
import { measurePhotos } from './sections/per-photo';
import { measureQueueCeiling } from './sections/queue-ceiling';
import { measureSessions } from './sections/sessions';
import { measureThroughput } from './sections/throughput';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    quick: args.quick,
    args: process.argv.slice(2),
    machineAtStart: describeMachine(),
    sectionRuns: [],
    sections: {},
  };

  const out = path.resolve(__dirname, '..', args.out);
  await mkdir(path.dirname(out), { recursive: true });

  const photos = await loadPhotos({ large: !args.quick });
  for (const section of args.sections) {
    const loadAverage = describeMachine().loadAverage;
    note(`section ${section} starting (load ${loadAverage.join(' ')})`);
    const started = performance.now();
    await runSection(section, args, photos, report);

    const seconds = Math.round((performance.now() - started) / 1000);
    report.sectionRuns.push({ section, loadAverageAtStart: loadAverage, seconds });
    note(`section ${section} took ${seconds} s`);

    // Written after every section, so a failure late in a long run keeps what was measured.
    report.machineAtEnd = describeMachine();
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  }

  report.finishedAt = new Date().toISOString();
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${renderReport(report)}\n`);
  note(`results written to ${out}`);
}

/** Sizes below keep the full suite near 20 minutes on 2 cores and --quick near 5. */
async function runSection(
  section: SectionName,
  args: BenchArgs,
  photos: BenchPhoto[],
  report: BenchReport,
): Promise<void> {
  const { quick, rounds } = args;
  const { sections } = report;

  if (section === 'photos') {
    sections.photos = await measurePhotos(photos, { rounds, peer: args.peer });
  } else if (section === 'sessions') {
    sections.sessions = await measureSessions({ rounds });
  } else if (section === 'throughput') {
    const blocks = { rounds: Math.max(1, rounds - 2), imagesPerBlock: 6 };
    sections.throughput = await measureThroughput(photos, blocks);
  } else if (section === 'http') {
    const runs = [
      { workerConcurrency: 1, inFlight: [1, 2, 4] },
      { workerConcurrency: 2, inFlight: [1, 2, 4] },
    ];
    sections.http = await measureHttp(photos, { runs, perSlot: quick ? 2 : 6 });
  } else if (section === 'queue') {
    const workerConcurrencies = quick ? [4] : [1, 4];
    const requests = quick ? 150 : 400;
    sections.queue = await measureQueueCeiling(photos, { requests, workerConcurrencies });
  } else {
    sections.memory = await measureMemory(photos, { images: quick ? 30 : 200, batch: 10 });
  }
}

main().catch((err: unknown) => {
  const reason = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`bench failed: ${reason}\n`);
  process.exit(1);
});
