/**
 * What sharing buys, and the weighting methods compared fairly: every method trains on the same repeated
 * splits and seeds, is timed the same way (no conflict recording for any), and its Δm is measured against the
 * same single-task baselines. The EW row is the multi-task-vs-single-task comparison: the same runs.
 */
import {
  CAGrad,
  DWA,
  EW,
  FAMO,
  GradNorm,
  IMTL,
  MGDA,
  NashMTL,
  PCGrad,
  RLW,
  UW,
  type Weighting,
} from '../../src/mtl/index.js';
import { createWeighting, WEIGHTING_NAMES, WEIGHTINGS } from '../../src/mtl/registry.js';
import { barChart, lineChart, paragraph, type ReportSection } from '../../src/report/index.js';
import {
  type Context,
  containsZero,
  type Experiment,
  fmtDelta,
  fmtSummary,
  type Summary,
  summary,
  tableHtml,
  textTable,
} from './common.js';
import {
  baselines,
  HEADLINE,
  headlineSummaries,
  headlineSummary,
  type MtlRun,
  multiTask,
} from './penguin-runs.js';

export interface MethodRow {
  name: string;
  repeats: number;
  deltaM: Summary;
  /** Δm of this method minus Δm of EW on the same split: a paired difference. */
  vsEW: Summary;
  /** Milliseconds per training step: epoch time (validation excluded) over steps, all repeats pooled. */
  msPerStep: number;
  tasks: Record<string, Summary>;
}

export interface MethodsResult {
  seeds: number[];
  comparison: {
    deltaM: Summary;
    tasks: Record<string, { metric: string; mtl: Summary; stl: Summary }>;
  };
  methods: MethodRow[];
  /** The EW model of the first split, per epoch: training and validation loss per task, and the epoch kept. */
  trainingCurve: {
    seed: number;
    bestEpoch: number;
    epochs: { train: Record<string, number>; validation: Record<string, number> }[];
  };
}

const METHODS: (() => Weighting)[] = [
  () => new EW(),
  () => new UW(),
  () => new DWA(),
  () => new RLW({ seed: 7 }),
  () => new FAMO(),
  () => new GradNorm(),
  () => new MGDA(),
  () => new MGDA({ representation: true }),
  () => new PCGrad({ seed: 7 }),
  () => new CAGrad(),
  () => new IMTL(),
  () => new NashMTL(),
];

/** The demo's methods: the twelve the report compares (EW first: its runs are the comparison). */
export const methods = methodsExperiment(
  'methods',
  'multi-task vs single-task and the weighting methods on the same repeated splits, with intervals and ms/step',
  METHODS,
);

/**
 * Every method of the registry (EW first), each with its example options sized for the three penguin tasks:
 * the same protocol as `methods`, too long for the demo's time budget, so an experiment of its own.
 */
export const allMethods = methodsExperiment(
  'all-methods',
  'every registry weighting method on the same repeated splits as the demo, with intervals and ms/step',
  WEIGHTING_NAMES.map((name) => () => createWeighting(registrySpec(name), { seed: 7 })),
);

function registrySpec(name: string): string {
  const entry = WEIGHTINGS[name as keyof typeof WEIGHTINGS] as { example?: string };
  return entry.example ?? name;
}

function methodsExperiment(
  name: string,
  summaryText: string,
  list: readonly (() => Weighting)[],
): Experiment<MethodsResult> {
  return {
    name,
    summary: summaryText,
    run: (ctx) => runMethods(ctx, list),
    print(res) {
      return `${textTable(...comparisonTable(res))}\n   Δm = ${fmtDelta(res.comparison.deltaM)} %\n\n${textTable(...methodsTable(res))}\n   ${verdict(res)}`;
    },
    render(res) {
      return renderMethods(res);
    },
  };
}

function runMethods(ctx: Context, METHODS: readonly (() => Weighting)[]): MethodsResult {
  const study = ctx.penguins;
  const splits = study.seeds.map((seed) => study.split(seed));
  const stl = splits.map((s) => baselines(study, s, 1, ctx.quick));
  // Splits outside, methods inside, every run trained afresh: each method is timed in the same phase of the
  // process (the machine's load drifts), and none records gradient conflict.
  const rows = METHODS.map((make) => ({ name: make().name, runs: [] as MtlRun[] }));
  splits.forEach((s, i) => {
    ctx.progress(`methods: ${METHODS.length} methods on split ${i + 1}/${splits.length}`);
    METHODS.forEach((make, m) => rows[m].runs.push(multiTask(study, s, 1, ctx.quick, make, true)));
  });
  const ew = rows[0].runs;
  const tasks: MethodsResult['comparison']['tasks'] = {};
  for (const t of study.tasks) {
    tasks[t.name] = {
      metric: HEADLINE[t.name].metric,
      mtl: headlineSummary(
        t.name,
        ew.map((r) => r.headline[t.name]),
      ),
      stl: headlineSummary(
        t.name,
        stl.map((b) => b[t.name].headline[t.name]),
      ),
    };
  }
  const first = ew[0].history;
  return {
    seeds: study.seeds,
    comparison: { deltaM: summary(ew.map((r) => r.deltaM)), tasks },
    methods: rows.map(({ name, runs }) => ({
      name,
      repeats: runs.length,
      deltaM: summary(runs.map((r) => r.deltaM)),
      vsEW: summary(runs.map((r, i) => r.deltaM - ew[i].deltaM)),
      msPerStep: runs.reduce((s, r) => s + r.ms, 0) / runs.reduce((s, r) => s + r.steps, 0),
      tasks: headlineSummaries(
        study.tasks,
        runs.map((r) => r.headline),
      ),
    })),
    trainingCurve: {
      seed: study.seeds[0],
      bestEpoch: first.bestEpoch,
      epochs: first.epochs.map((e) => ({
        train: e.trainLoss,
        validation: Object.fromEntries(Object.entries(e.validation ?? {}).map(([k, m]) => [k, m.loss])),
      })),
    },
  };
}

function fmtTask(name: string, s: Summary): string {
  return HEADLINE[name].metric === 'accuracy' ? fmtSummary(s, 1, 100) : fmtSummary(s, 0);
}

function comparisonTable(res: MethodsResult): [string[], string[][]] {
  return [
    ['task', 'metric', 'multi-task', 'single-task'],
    Object.entries(res.comparison.tasks).map(([n, t]) => [
      n,
      HEADLINE[n].label,
      fmtTask(n, t.mtl),
      fmtTask(n, t.stl),
    ]),
  ];
}

function methodsTable(res: MethodsResult): [string[], string[][]] {
  const names = Object.keys(res.methods[0].tasks);
  return [
    ['method', 'Δm % [95 % CI]', 'Δm − EW (paired)', ...names.map((n) => HEADLINE[n].label), 'ms/step'],
    res.methods.map((m) => [
      m.name,
      fmtDelta(m.deltaM),
      m.name === 'EW' ? '–' : fmtDelta(m.vsEW),
      ...names.map((n) => fmtTask(n, m.tasks[n])),
      m.msPerStep.toFixed(2),
    ]),
  ];
}

/** Plain words: which methods differ from single-task and from EW beyond their intervals. */
export function verdict(res: MethodsResult): string {
  const better = res.methods.filter((m) => m.deltaM.ci95[1] < 0).map((m) => m.name);
  const worse = res.methods.filter((m) => m.deltaM.ci95[0] > 0).map((m) => m.name);
  const vsEW = res.methods.filter((m) => m.name !== 'EW' && !containsZero(m.vsEW));
  const list = (xs: string[]) => (xs.length === 0 ? 'none' : xs.join(', '));
  return (
    `Over ${res.seeds.length} splits, Δm's interval lies below 0 (better than single-task) for: ${list(better)}; above 0 (worse) for: ${list(worse)}; ` +
    'every other interval holds 0, so those methods are not distinguishable from single-task training here. ' +
    (vsEW.length === 0
      ? 'No method differs from EW beyond the paired interval: the ranking by mean is inside the noise.'
      : `Methods whose paired difference from EW excludes 0: ${vsEW.map((m) => `${m.name} (${fmtDelta(m.vsEW)})`).join(', ')}; the others are inside the intervals.`)
  );
}

function renderMethods(res: MethodsResult): ReportSection[] {
  const tc = res.trainingCurve;
  const names = Object.keys(res.comparison.tasks);
  return [
    {
      title: 'Training curves of the multi-task model',
      intro: `Per-task loss on the training batches (solid) and the validation rows (dashed), EW, split seed ${tc.seed}. Early stopping kept epoch ${tc.bestEpoch + 1} of ${tc.epochs.length}.`,
      blocks: names.map((n) =>
        lineChart({
          title: `${n} loss`,
          xLabel: 'epoch',
          yLabel: n === 'mass' ? 'MSE (standardised)' : 'cross-entropy',
          series: [
            { name: 'train', points: tc.epochs.map((e, i) => [i + 1, e.train[n]]) },
            { name: 'validation', dashed: true, points: tc.epochs.map((e, i) => [i + 1, e.validation[n]]) },
          ],
          height: 300,
        }),
      ),
    },
    {
      title: 'What sharing buys',
      intro:
        `One multi-task model (EW) against one single-task model per task, same trunk, budget, early stopping and seed, on ${res.seeds.length} repeated stratified splits ` +
        `(seeds ${res.seeds.join(', ')}). Test metrics, mean [95 % t interval]. Δm = ${fmtDelta(res.comparison.deltaM)} % ` +
        `(negative: multi-task better)${containsZero(res.comparison.deltaM) ? ': the interval holds 0, so on this data sharing neither helps nor hurts beyond the noise' : ''}.`,
      blocks: [tableHtml(...comparisonTable(res))],
    },
    {
      title: 'Weighting methods',
      intro:
        `Every method on the same ${res.seeds.length} splits and seeds, with the same λ (0), budget and early stopping; Δm against the same single-task baselines, so the EW row is the comparison above. ` +
        'ms/step is the epoch time without validation over the number of steps, with no gradient-conflict recording for any method. "Δm − EW" is the paired difference per split.',
      blocks: [
        barChart({
          title: 'Δm per weighting method',
          yLabel: 'Δm (%)',
          note: 'negative is better; whiskers: 95 % t interval over the splits',
          categories: res.methods.map((m) => m.name),
          groups: [
            {
              name: 'Δm',
              values: res.methods.map((m) => m.deltaM.mean),
              intervals: res.methods.map((m) => m.deltaM.ci95),
            },
          ],
          referenceLine: { value: 0, label: 'single-task' },
        }),
        tableHtml(...methodsTable(res)),
        paragraph(verdict(res)),
      ],
    },
  ];
}
