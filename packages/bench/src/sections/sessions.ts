import { loadModelBytes, widenHalfPrecision } from '@poofbg/segmentation';
import { InferenceSession, Tensor } from 'onnxruntime-node';

import { note } from '../progress';
import { summarise, type Summary } from '../stats';

/** One way of running the model: which bytes, which onnxruntime session options. */
interface Variant {
  name: string;
  model: 'medium' | 'medium widened to fp32' | 'small';
  options: InferenceSession.SessionOptions;
}

const fp32 = 'medium widened to fp32' as const;
const noSpinning = { session: { intra_op: { allow_spinning: '0' } } };

/** The first is the yardstick: onnxruntime's defaults on the model as the package ships it. */
const variants: Variant[] = [
  { name: 'fp16 as shipped, defaults', model: 'medium', options: {} },
  { name: 'fp16 as shipped, no spin-waiting', model: 'medium', options: { extra: noSpinning } },
  { name: 'fp32, defaults', model: fp32, options: {} },
  { name: 'fp32, no spin-waiting (PoofBG)', model: fp32, options: { extra: noSpinning } },
  {
    name: 'fp32, no spin, 1 intra-op thread',
    model: fp32,
    options: { extra: noSpinning, intraOpNumThreads: 1 },
  },
  {
    name: "fp32, no spin, 'extended' graph opt.",
    model: fp32,
    options: { extra: noSpinning, graphOptimizationLevel: 'extended' },
  },
  {
    name: 'fp32, no spin, no arena/mem pattern',
    model: fp32,
    options: { extra: noSpinning, enableCpuMemArena: false, enableMemPattern: false },
  },
  { name: 'quint8 small as shipped, defaults', model: 'small', options: {} },
];

export interface SessionResult {
  variant: string;
  loadMs: number;
  runMs: Summary;
  /**
   * CPU time of the whole process during the run (all onnxruntime threads). Less swayed
   * than wall time by other work on the machine, but it counts spin-waiting too.
   */
  cpuMs: Summary;
  /** This variant's run ÷ the yardstick's, paired within each round. */
  vsShipped: Summary;
}

/**
 * Times `session.run` for each variant on the same input, taking turns within each round
 * (rotating who goes first), after one untimed warm-up run each.
 */
export async function measureSessions(options: { rounds: number }): Promise<SessionResult[]> {
  const sessions = await openVariants();
  const input = new Tensor('float32', randomInput(), [1, 3, 1024, 1024]);

  try {
    const times = variants.map(() => [] as number[]);
    const cpuTimes = variants.map(() => [] as number[]);
    for (let round = 0; round <= options.rounds; round += 1) {
      for (let turn = 0; turn < variants.length; turn += 1) {
        const index = (turn + round) % variants.length;
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await sessions[index]!.session.run({ input }, ['output']);
        const wallMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        if (round === 0) continue;
        times[index]!.push(wallMs);
        cpuTimes[index]!.push((cpu.user + cpu.system) / 1000);
      }
      note(`sessions: round ${round}/${options.rounds}`);
    }

    return variants.map((variant, index) => ({
      variant: variant.name,
      loadMs: sessions[index]!.loadMs,
      runMs: summarise(times[index]!),
      cpuMs: summarise(cpuTimes[index]!),
      vsShipped: summarise(times[index]!.map((ms, round) => ms / times[0]![round]!)),
    }));
  } finally {
    for (const { session } of sessions) await session.release();
  }
}

async function openVariants() {
  const medium = await loadModelBytes({ kind: 'package', variant: 'medium' });
  const bytes = {
    medium,
    [fp32]: widenHalfPrecision(medium) ?? medium,
    small: await loadModelBytes({ kind: 'package', variant: 'small' }),
  };

  const sessions = [];
  for (const variant of variants) {
    const started = performance.now();
    const session = await InferenceSession.create(bytes[variant.model], {
      executionProviders: ['cpu'],
      ...variant.options,
    });
    sessions.push({ session, loadMs: performance.now() - started });
  }
  return sessions;
}

/** Values spread like a normalised photo's; the model's cost does not depend on content. */
function randomInput(): Float32Array {
  const input = new Float32Array(3 * 1024 * 1024);
  for (let i = 0; i < input.length; i += 1) input[i] = Math.random() - 0.5;

  return input;
}
