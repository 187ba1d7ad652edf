/**
 * Learning curves: Δm of the multi-task model against its single-task baselines as the training set grows,
 * on the penguins and on the relatedTasks generator at high and at low relatedness, with 95 % t intervals over
 * repeated splits; and whether the gradient-conflict diagnostic predicted the sign.
 */
import { relatedTasks } from '../../src/data/index.js';
import { type MultiTaskData, type TaskSpec, Tensor } from '../../src/index.js';
import { compareWithSingleTask } from '../../src/mtl/index.js';
import { intervalChart, paragraph, type ReportSection } from '../../src/report/index.js';
import {
  buildHardSharing,
  type Context,
  type Experiment,
  fmtDelta,
  fmtSummary,
  type Summary,
  summary,
  tableHtml,
  textTable,
  trainBudget,
} from './common.js';
import { baselines, conflictRun, HEADLINE, headlineSummary, multiTask } from './penguin-runs.js';

export interface CurvePoint {
  trainRows: number;
  repeats: number;
  /** Δm (%), negative: the multi-task model is better. */
  deltaM: Summary;
  /** Per task, its headline metric for both models. */
  tasks: Record<string, { metric: string; mtl: Summary; stl: Summary }>;
}

export interface Curve {
  dataset: string;
  points: CurvePoint[];
  /** Mean pairwise cosine of the task gradients on the shared trunk during EW training at the largest size. */
  conflict: Summary;
  /** What the cosine predicts, and whether Δm agreed. */
  prediction: string;
}

export interface LearningCurveResult {
  interval: string;
  penguins: Curve;
  related: (Curve & { relatedness: number })[];
}

const FRACTIONS = [0.1, 0.25, 0.5, 1];
const RELATED_SIZES = [20, 50, 100, 200];

/** Mean off-diagonal entry of each epoch's cosine matrix, averaged over the epochs. */
function meanCosine(conflicts: (number[][] | undefined)[]): number {
  let s = 0;
  let k = 0;
  for (const c of conflicts) {
    if (!c) continue;
    for (let i = 0; i < c.length; i++)
      for (let j = i + 1; j < c.length; j++) {
        s += c[i][j];
        k++;
      }
  }
  return s / k;
}

/**
 * The diagnostic's call from the cosine's interval (above 0: the tasks' gradients agree, so sharing should help;
 * holding 0 or below: nothing to share, so it should not), checked against where Δm's interval excludes 0.
 */
function predict(conflict: Summary, points: CurvePoint[]): string {
  const forecast = conflict.ci95[0] > 0 ? 'predicts that sharing helps' : 'predicts no benefit from sharing';
  const helped = points.filter((p) => p.deltaM.ci95[1] < 0).map((p) => p.trainRows);
  const hurt = points.filter((p) => p.deltaM.ci95[0] > 0).map((p) => p.trainRows);
  const at = (xs: number[]) => `${xs.join(', ')} rows`;
  let measured = 'measured: no size where Δm differs from 0 beyond its interval';
  if (helped.length > 0 || hurt.length > 0) {
    const parts = [
      helped.length > 0 ? `helped at ${at(helped)}` : '',
      hurt.length > 0 ? `hurt at ${at(hurt)}` : '',
    ];
    measured = `measured: sharing ${parts.filter((p) => p !== '').join(' and ')}, elsewhere inside the noise`;
  }
  return `gradient cosine ${fmtSummary(conflict, 3)} ${forecast}; ${measured}`;
}

function penguinCurve(ctx: Context): Curve {
  const study = ctx.penguins;
  const fractions = ctx.quick ? [0.25, 1] : FRACTIONS;
  const points = fractions.map((f) => {
    ctx.progress(
      `learning curve: penguins, ${Math.round(f * 100)} % of the training rows × ${study.seeds.length} splits`,
    );
    const runs = study.seeds.map((seed) => {
      const split = study.split(seed, f);
      return {
        split,
        stl: baselines(study, split, f, ctx.quick),
        mtl: multiTask(study, split, f, ctx.quick),
      };
    });
    const tasks: CurvePoint['tasks'] = {};
    for (const t of study.tasks) {
      tasks[t.name] = {
        metric: HEADLINE[t.name].metric,
        mtl: headlineSummary(
          t.name,
          runs.map((r) => r.mtl.headline[t.name]),
        ),
        stl: headlineSummary(
          t.name,
          runs.map((r) => r.stl[t.name].headline[t.name]),
        ),
      };
    }
    return {
      trainRows: runs[0].split.nTrain,
      repeats: runs.length,
      deltaM: summary(runs.map((r) => r.mtl.deltaM)),
      tasks,
    };
  });
  // The diagnostic needs per-task gradients: separate runs with recordConflict, so the timed ones stay untouched.
  const cos = study.seeds.map((seed) =>
    meanCosine(conflictRun(study, seed, ctx.quick).epochs.map((e) => e.conflict)),
  );
  const conflict = summary(cos);
  return { dataset: 'penguins', points, conflict, prediction: predict(conflict, points) };
}

/** Three regression tasks of relatedTasks (nonlinear, noise 0.3) with fresh validation and test rows. */
function relatedData(r: number, seed: number, n: number) {
  const make = (rows: number, dataSeed: number): MultiTaskData => {
    const d = relatedTasks({
      tasks: 3,
      samples: rows,
      features: 10,
      relatedness: r,
      noise: 0.3,
      nonlinear: true,
      seed,
      dataSeed,
    });
    return {
      x: new Tensor(Float32Array.from(d.x), [rows, d.nFeatures]),
      y: Object.fromEntries(d.targets.map((y, i) => [`t${i + 1}`, y])),
    };
  };
  return { train: make(n, seed * 7 + 1), val: make(100, seed * 7 + 2), test: make(1000, seed * 7 + 3) };
}

function relatedCurve(ctx: Context, r: number): Curve & { relatedness: number } {
  const tasks: TaskSpec[] = [1, 2, 3].map((i) => ({ name: `t${i}`, kind: 'regression' }));
  const sizes = ctx.quick ? [20, 100] : RELATED_SIZES;
  const seeds = ctx.penguins.seeds;
  const cos: number[] = [];
  const points = sizes.map((n, si) => {
    ctx.progress(`learning curve: relatedTasks r = ${r}, ${n} training rows × ${seeds.length} seeds`);
    const runs = seeds.map((seed) => {
      const data = relatedData(r, seed, n);
      const last = si === sizes.length - 1;
      const cmp = compareWithSingleTask({
        tasks,
        train: data.train,
        test: data.test,
        build: buildHardSharing(10, [16]),
        fit: { ...trainBudget(ctx.quick), batchSize: 16, validation: data.val, recordConflict: last },
        seed,
      });
      if (last) cos.push(meanCosine(cmp.histories.mtl.epochs.map((e) => e.conflict)));
      return cmp;
    });
    const perTask: CurvePoint['tasks'] = {};
    for (const t of tasks) {
      perTask[t.name] = {
        metric: 'mse',
        mtl: summary(
          runs.map((c) => c.tasks[t.name].mtl.mse!),
          [0, Infinity],
        ),
        stl: summary(
          runs.map((c) => c.tasks[t.name].stl.mse!),
          [0, Infinity],
        ),
      };
    }
    return { trainRows: n, repeats: runs.length, deltaM: summary(runs.map((c) => c.deltaM)), tasks: perTask };
  });
  const conflict = summary(cos);
  return {
    dataset: `relatedTasks r = ${r}`,
    relatedness: r,
    points,
    conflict,
    prediction: predict(conflict, points),
  };
}

export const learningCurve: Experiment<LearningCurveResult> = {
  name: 'learning-curve',
  summary: 'Δm against training-set size on the penguins and on related / unrelated synthetic tasks',
  run(ctx) {
    return {
      interval: `95 % Student-t interval over ${ctx.penguins.seeds.length} repeated splits (penguins) or seeds (synthetic)`,
      penguins: penguinCurve(ctx),
      related: [relatedCurve(ctx, 0.9), relatedCurve(ctx, 0)],
    };
  },
  print(res) {
    return [res.penguins, ...res.related]
      .map((c) => `   ${c.dataset}:\n${curveText(c)}\n   ${c.prediction}`)
      .join('\n\n');
  },
  render(res) {
    return [renderCurves(res)];
  },
};

function curveRows(c: Curve): string[][] {
  const names = Object.keys(c.points[0].tasks);
  return c.points.map((p) => [
    String(p.trainRows),
    fmtDelta(p.deltaM),
    ...names.flatMap((n) => {
      const t = p.tasks[n];
      const d = t.metric === 'accuracy' ? 1 : t.metric === 'maeGrams' ? 0 : 3;
      const s = t.metric === 'accuracy' ? 100 : 1;
      return [fmtSummary(t.mtl, d, s), fmtSummary(t.stl, d, s)];
    }),
  ]);
}

function curveHeader(c: Curve): string[] {
  const names = Object.keys(c.points[0].tasks);
  const label = (n: string) => HEADLINE[n]?.label ?? `${n} MSE`;
  return ['train rows', 'Δm % [95 % CI]', ...names.flatMap((n) => [`${label(n)} MTL`, `${label(n)} STL`])];
}

function curveText(c: Curve): string {
  return textTable(curveHeader(c), curveRows(c));
}

function renderCurves(res: LearningCurveResult): ReportSection {
  const all = [res.penguins, ...res.related];
  return {
    title: 'Learning curves: when does sharing help?',
    intro:
      `Δm of the multi-task model against one single-task model per task, at growing training-set sizes (validation and test rows fixed; early stopping on the validation rows). ` +
      `Bands and brackets: ${res.interval}. Negative Δm means the multi-task model is better; an interval that holds 0 means no established difference. ` +
      'Synthetic tasks: three nonlinear regression tasks of relatedTasks (10 features, noise 0.3) with relatedness r = 0.9 (nearly one function) and r = 0 (unrelated), a narrow trunk of 16 units.',
    blocks: [
      ...all.map((c) =>
        intervalChart({
          title: `Δm vs training rows: ${c.dataset}`,
          xLabel: 'training rows',
          yLabel: 'Δm (%)',
          note: 'negative is better; bands: 95 % t interval',
          series: [
            {
              name: c.dataset,
              points: c.points.map((p) => ({
                x: p.trainRows,
                mean: p.deltaM.mean,
                lo: p.deltaM.ci95[0],
                hi: p.deltaM.ci95[1],
              })),
            },
          ],
          referenceLine: { value: 0, label: 'single-task' },
          height: 300,
        }),
      ),
      ...all.flatMap((c) => [
        paragraph(`${c.dataset}: ${c.prediction}.`),
        tableHtml(curveHeader(c), curveRows(c)),
      ]),
    ],
  };
}
