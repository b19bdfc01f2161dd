/** The sections of the suite, in the order they run. */
export const sectionNames = [
  'photos',
  'sessions',
  'throughput',
  'http',
  'queue',
  'memory',
] as const;
export type SectionName = (typeof sectionNames)[number];

export interface BenchArgs {
  /** Few rounds and short runs: a smoke test in a few minutes, not numbers to quote. */
  quick: boolean;
  sections: SectionName[];
  /** Timed rounds per photo in the photos section. */
  rounds: number;
  /** Whether to run the peer library beside PoofBG. */
  peer: boolean;
  /** Where the JSON goes; relative paths are taken from the bench package folder. */
  out: string;
}

const usage = `usage: pnpm bench [-- --quick] [--only=${sectionNames.join(',')}] [--rounds=N]
                  [--no-peer] [--out=results/latest.json]`;

export function parseArgs(argv: string[]): BenchArgs {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\n${usage}`);
    flags.set(match[1]!, match[2] ?? '');
  }

  const quick = flags.has('quick');
  return {
    quick,
    sections: parseSections(flags.get('only')),
    rounds: flags.has('rounds') ? Number(flags.get('rounds')) : quick ? 2 : 5,
    peer: !flags.has('no-peer'),
    out: flags.get('out') || 'results/latest.json',
  };
}

function parseSections(only: string | undefined): SectionName[] {
  if (!only) return [...sectionNames];

  const wanted = only.split(',');
  for (const name of wanted) {
    if (!sectionNames.includes(name as SectionName)) {
      throw new Error(`unknown section ${name}\n${usage}`);
    }
  }
  return sectionNames.filter((name) => wanted.includes(name));
}
