/**
 * Multi-task scaling suite (the seed's "computational efficiency" question): what does it cost to
 * train T tasks with one shared trunk instead of T single-task models?
 *
 * For T = 1, 2, 4, 8 ten-class tasks on the same batch of 256 × 128 features, one optimisation step
 * (the trainer's `fit` over one batch: forward, backward, Adam) of
 *  - one HardSharing model (trunk 128→256→256, T linear heads) with equal weighting (EW),
 *  - the same model with a gradient-based method (PCGrad), which needs T backward passes through
 *    the trunk to form the T×D task-gradient matrix (no forward recomputation),
 *  - T single-task models of the same shape, one step each.
 * Throughput is samples·tasks per second (one sample trained for one task counts 1).
 */
import { fit, HardSharing, PCGrad, Rng, type TaskSpec, Tensor } from '../src/index.js';
import { fastestVariant } from './backends.js';
import {
  type CaseResult,
  fmt,
  fmtRatio,
  measure,
  randomFloat32,
  type Suite,
  type SuiteContext,
  type SuiteResult,
} from './harness.js';

const BATCH = 256;
const IN = 128;
const HIDDEN = [256, 256];
const CLASSES = 10;

function task(i: number): TaskSpec {
  return { name: `t${i}`, kind: 'classification', classes: CLASSES };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const fastest = fastestVariant();
  const setup = fastest.setup;
  const x = new Tensor(randomFloat32(BATCH * IN, 31), [BATCH, IN]);
  const u = randomFloat32(BATCH * 8, 32);
  const labels = Array.from({ length: 8 }, (_, t) =>
    Array.from({ length: BATCH }, (_, i) =>
      Math.min(CLASSES - 1, Math.floor(((u[t * BATCH + i] + 1) / 2) * CLASSES)),
    ),
  );
  const once = { epochs: 1, batchSize: BATCH, verbose: false };
  const cases: CaseResult[] = [];
  const rows: string[][] = [];
  for (const T of [1, 2, 4, 8]) {
    ctx.log(`mtl-scaling: T = ${T}`);
    const tasks = Array.from({ length: T }, (_, i) => task(i));
    const y = Object.fromEntries(tasks.map((t, i) => [t.name, labels[i]]));
    const build = (ts: TaskSpec[]) =>
      HardSharing.build({ inputs: IN, hidden: HIDDEN, tasks: ts, rng: new Rng(1) });
    const shared = build(tasks);
    const sharedPc = build(tasks);
    const singles = tasks.map((t) => build([t]));
    const impls = measure(
      [
        { name: 'shared-ew', setup, fn: () => fit(shared, { x, y }, { ...once, tasks }) },
        {
          name: 'shared-pcgrad',
          setup,
          fn: () => fit(sharedPc, { x, y }, { ...once, tasks, weighting: new PCGrad() }),
        },
        {
          name: 'single',
          setup,
          fn: () =>
            tasks.forEach((t, i) =>
              fit(singles[i], { x, y: { [t.name]: y[t.name] } }, { ...once, tasks: [t] }),
            ),
        },
      ],
      { quick: ctx.quick },
    );
    for (const r of Object.values(impls)) r.taskSamplesPerSec = (BATCH * T * 1000) / r.medianMs;
    const ratio = impls.single.medianMs / impls['shared-ew'].medianMs;
    const ratioPc = impls.single.medianMs / impls['shared-pcgrad'].medianMs;
    cases.push({
      name: `T = ${T}`,
      params: {
        backend: fastest.name,
        tasks: T,
        batch: BATCH,
        parametersShared: shared.numParameters(),
        parametersSingles: singles.reduce((n, m) => n + m.numParameters(), 0),
      },
      impls,
      ratios: { 'shared-ew/single': ratio, 'shared-pcgrad/single': ratioPc },
    });
    rows.push([
      String(T),
      fmt(impls['shared-ew'].medianMs),
      fmt(impls['shared-pcgrad'].medianMs),
      fmt(impls.single.medianMs),
      fmt(impls['shared-ew'].taskSamplesPerSec),
      fmt(impls.single.taskSamplesPerSec),
      fmtRatio(ratio),
      fmtRatio(ratioPc),
      `${shared.numParameters().toLocaleString('en-US')} / ${singles.reduce((n, m) => n + m.numParameters(), 0).toLocaleString('en-US')}`,
    ]);
  }
  return {
    cases,
    tables: [
      {
        title: `One hard-sharing model with T heads vs T single-task models (one step, batch 256, ${fastest.label})`,
        columns: [
          'T',
          'shared EW ms',
          'shared PCGrad ms',
          'T single ms',
          'shared EW task·samples/s',
          'single task·samples/s',
          'single ÷ shared EW',
          'single ÷ shared PCGrad',
          'parameters shared / singles',
        ],
        rows,
        notes: [
          'Trunk Linear(128→256)–ReLU–Linear(256→256)–ReLU, one Linear(256→10) cross-entropy head per task; each step is ' +
            '`fit(..., {epochs: 1, batchSize: 256})` over one batch (forward, backward, Adam), through the public trainer.',
          'Ratios above 1: the shared model is faster than training T separate models. PCGrad pays T backward passes ' +
            'through the trunk (the T×D gradient matrix) but still one forward.',
          `Backend: ${fastest.label}, the fastest mtlgrad configuration here; wall-clock time.`,
        ],
      },
    ],
  };
}

export const mtlScalingSuite: Suite = {
  name: 'mtl-scaling',
  title: 'Multi-task scaling',
  description:
    'The cost of T tasks: one HardSharing model with T heads (EW, and PCGrad with its T trunk backward passes) against ' +
    'T single-task models of the same shape, one training step each through the public `fit`, T = 1, 2, 4, 8, on ' +
    "mtlgrad's fastest backend, in wall-clock time.",
  clock: 'wall',
  run,
};
