/**
 * Method-cost suite: one training step of every weighting method in the registry against EW, at
 * T = 2, 4 and 8 tasks. A loss-based method costs one backward pass, like EW, plus its own
 * bookkeeping; a gradient-based one pays one backward through the shared trunk per task (the T×D
 * Jacobian) plus its solver on J or on the T×T Gramian.
 *
 * Model and data as the multi-task scaling suite: batch 256 × 128 features, trunk 128→256→256,
 * one ten-class head per task, `fit` over one batch (forward, backward, Adam).
 */
import { fit, HardSharing, Rng, type TaskSpec, Tensor } from '../src/index.js';
import { createWeighting, WEIGHTING_NAMES, WEIGHTINGS } from '../src/mtl/registry.js';
import { fastestVariant } from './backends.js';
import {
  type CaseResult,
  type Contender,
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
const TASK_COUNTS = [2, 4, 8];

/** The method's registry spec for T tasks: its example options, sized to T where they are per task. */
function specFor(name: string, tasks: number): string {
  const entry = WEIGHTINGS[name as keyof typeof WEIGHTINGS] as { example?: string };
  if (name === 'constant') return `constant:weights=${Array(tasks).fill(1).join(',')}`;
  return entry.example ?? name;
}

/**
 * One training step of the method, or null when it refuses T tasks (krum needs byzantine + 3 rows,
 * trimmedmean more than 2·trim): the first step runs here, as a probe.
 */
function stepFor(
  name: string,
  T: number,
  model: HardSharing,
  d: { x: Tensor; y: Record<string, number[]> },
  tasks: TaskSpec[],
): (() => void) | null {
  try {
    const weighting = createWeighting(specFor(name, T), { seed: 1 });
    // Only Auto-Lambda reads validation batches (its lookahead); for the others it would add an evaluation pass.
    const validation = name === 'auto-lambda' ? { validation: d } : {};
    const once = { epochs: 1, batchSize: BATCH, verbose: false, tasks, weighting, ...validation };
    const step = () => void fit(model, d, once);
    step();
    return step;
  } catch {
    return null;
  }
}

function data() {
  const x = new Tensor(randomFloat32(BATCH * IN, 41), [BATCH, IN]);
  const u = randomFloat32(BATCH * 8, 42);
  const labels = Array.from({ length: 8 }, (_, t) =>
    Array.from({ length: BATCH }, (_, i) =>
      Math.min(CLASSES - 1, Math.floor(((u[t * BATCH + i] + 1) / 2) * CLASSES)),
    ),
  );
  return { x, labels };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const fastest = fastestVariant();
  const { x, labels } = data();
  const cases: CaseResult[] = [];
  const ms: Record<string, Record<number, number | null>> = {};
  for (const T of TASK_COUNTS) {
    ctx.log(`method-cost: T = ${T}`);
    const tasks: TaskSpec[] = Array.from({ length: T }, (_, i) => ({
      name: `t${i}`,
      kind: 'classification',
      classes: CLASSES,
    }));
    const y = Object.fromEntries(tasks.map((t, i) => [t.name, labels[i]]));
    const contenders: Contender[] = [];
    for (const name of WEIGHTING_NAMES) {
      const model = HardSharing.build({ inputs: IN, hidden: HIDDEN, tasks, rng: new Rng(1) });
      const step = stepFor(name, T, model, { x, y }, tasks);
      if (step === null) (ms[name] ??= {})[T] = null;
      else contenders.push({ name, setup: fastest.setup, fn: step });
    }
    const impls = measure(contenders, { quick: ctx.quick });
    const ew = impls.ew.medianMs;
    const ratios: Record<string, number> = {};
    for (const [name, r] of Object.entries(impls)) {
      (ms[name] ??= {})[T] = r.medianMs;
      ratios[`${name}/ew`] = r.medianMs / ew;
    }
    cases.push({
      name: `T = ${T}`,
      params: { backend: fastest.name, tasks: T, batch: BATCH },
      impls,
      ratios,
    });
  }
  const rows = WEIGHTING_NAMES.map((name) => {
    const kind = createWeighting(specFor(name, 3), { seed: 1 }).type;
    const cells = TASK_COUNTS.flatMap((T) => {
      const v = ms[name]?.[T] ?? null;
      const ew = ms.ew[T] as number;
      return v === null ? ['n/a', ''] : [fmt(v), fmtRatio(v / ew)];
    });
    return [`\`${name}\``, kind, ...cells];
  });
  return {
    cases,
    tables: [
      {
        title: `Step time of every method against EW (one step, batch 256, ${fastest.label})`,
        columns: ['method', 'kind', ...TASK_COUNTS.flatMap((T) => [`T = ${T} ms`, `T = ${T} ÷ EW`])],
        rows,
        notes: [
          'Trunk Linear(128→256)–ReLU–Linear(256→256)–ReLU, one Linear(256→10) cross-entropy head per task; each step is ' +
            '`fit(..., {epochs: 1, batchSize: 256})` over one batch (forward, backward, Adam) with the method from ' +
            '`createWeighting` (its example options; `constant` with all-ones weights), through the public trainer.',
          'Gradient methods form the T×D Jacobian of the shared parameters (one backward through the trunk per task); ' +
            'auto-lambda also runs its lookahead on a validation batch (here the training batch) and fit evaluates it. n/a: the method does ' +
            'not accept that few tasks with these options (krum and trimmedmean need T ≥ 3).',
          `Backend: ${fastest.label}; wall-clock time, medians.`,
        ],
      },
    ],
  };
}

export const methodCostSuite: Suite = {
  name: 'method-cost',
  title: 'Weighting methods: step time',
  description:
    'One training step of every registry weighting method (loss- and gradient-based) against EW at T = 2, 4 and 8 ' +
    "tasks, through the public `fit`, on mtlgrad's fastest backend, in wall-clock time.",
  clock: 'wall',
  run,
};
