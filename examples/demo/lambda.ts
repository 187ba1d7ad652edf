/**
 * Choosing λ honestly: nested cross-validation (λ picked on inner folds, performance measured on outer folds it
 * never saw), λ's effect on the train/validation gap and on ‖W‖, and the L2-penalty / coupled / decoupled
 * (AdamW) comparison over repeated splits.
 */
import { kFold, subsetTable, type Table } from '../../src/data/index.js';
import { evaluate, fit, type TaskMetrics } from '../../src/mtl/index.js';
import { errorBarChart, paragraph, type ReportSection } from '../../src/report/index.js';
import {
  buildHardSharing,
  type Context,
  type Experiment,
  fmtLambda,
  fmtSummary,
  type Summary,
  standardised,
  summary,
  tableHtml,
  textTable,
  weightNorm,
} from './common.js';
import { HEADLINE, headlineSummaries } from './penguin-runs.js';

type Decay = 'l2' | 'coupled' | 'decoupled';

export interface LambdaResult {
  outerFolds: number;
  innerFolds: number;
  epochs: number;
  /** Per λ, over the outer folds: the inner-CV validation and training loss, their gap and ‖W‖. */
  curve: { lambda: number; valLoss: Summary; trainLoss: Summary; gap: Summary; weightNorm: Summary }[];
  /** Per outer fold: the λ its inner folds chose and the test loss of the model refitted with it. */
  outer: { fold: number; chosen: number; testLoss: number; headline: Record<string, number> }[];
  /** Outer-fold test performance of the whole procedure (λ chosen inside). */
  test: { loss: Summary; tasks: Record<string, Summary> };
  decay: {
    name: string;
    decay: Decay;
    lambda: number;
    repeats: number;
    tasks: Record<string, Summary>;
    weightNorm: Summary;
  }[];
}

const LAMBDAS = [0, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1];

function lossSum(m: Record<string, TaskMetrics>): number {
  return Object.values(m).reduce((s, t) => s + (t.count === 0 ? 0 : t.loss), 0);
}

/** Trains with λ in the given form for a fixed budget (no early stopping: it would regularise too) and scores it. */
function trainScore(
  ctx: Context,
  train: Table,
  evalOn: Table[],
  lambda: number,
  decay: Decay,
  seed: number,
  epochs: number,
) {
  const study = ctx.penguins;
  const { data, massStd } = standardised(train, ...evalOn);
  const model = buildHardSharing(study.raw.nFeatures)(study.tasks, seed);
  fit(model, data[0], {
    tasks: study.tasks,
    epochs,
    batchSize: 32,
    lr: 3e-3,
    weightDecay: lambda,
    decay,
    seed,
  });
  const metrics = data.map((d) => evaluate(model, d, { tasks: study.tasks }));
  return { metrics, massStd, norm: weightNorm(model) };
}

function nested(ctx: Context, epochs: number): Omit<LambdaResult, 'decay'> {
  const study = ctx.penguins;
  const k = ctx.quick ? 2 : 5;
  const kin = ctx.quick ? 2 : 3;
  const grid = ctx.quick ? [0, 1e-2] : LAMBDAS;
  const perLambda = grid.map(() => ({ val: [] as number[], train: [] as number[], norm: [] as number[] }));
  const outer: LambdaResult['outer'] = [];
  kFold(study.raw, k, { seed: 7, stratify: 'species' }).forEach((fold, o) => {
    ctx.progress(`nested CV: outer fold ${o + 1}/${k}, ${grid.length} λ × ${kin} inner folds`);
    const outerTrain = subsetTable(study.raw, fold.train);
    const inner = kFold(outerTrain, kin, { seed: 8 + o, stratify: 'species' });
    const innerVal = grid.map((lambda, li) => {
      const scores = inner.map((f, i) => {
        const r = trainScore(
          ctx,
          subsetTable(outerTrain, f.train),
          [subsetTable(outerTrain, f.validation)],
          lambda,
          'l2',
          100 + i,
          epochs,
        );
        return { train: lossSum(r.metrics[0]), val: lossSum(r.metrics[1]), norm: r.norm };
      });
      const mean = (key: 'train' | 'val' | 'norm') => scores.reduce((s, x) => s + x[key], 0) / scores.length;
      perLambda[li].val.push(mean('val'));
      perLambda[li].train.push(mean('train'));
      perLambda[li].norm.push(mean('norm'));
      return mean('val');
    });
    const chosen = grid[innerVal.indexOf(Math.min(...innerVal))];
    const r = trainScore(
      ctx,
      outerTrain,
      [subsetTable(study.raw, fold.validation)],
      chosen,
      'l2',
      100,
      epochs,
    );
    const m = r.metrics[1];
    const headline = Object.fromEntries(
      study.tasks.map((t) => [t.name, HEADLINE[t.name].of(m[t.name], r.massStd)]),
    );
    outer.push({ fold: o, chosen, testLoss: lossSum(m), headline });
  });
  return {
    outerFolds: k,
    innerFolds: kin,
    epochs,
    curve: grid.map((lambda, li) => {
      const p = perLambda[li];
      return {
        lambda,
        valLoss: summary(p.val),
        trainLoss: summary(p.train),
        gap: summary(p.val.map((v, i) => v - p.train[i])),
        weightNorm: summary(p.norm),
      };
    }),
    outer,
    test: {
      loss: summary(outer.map((o) => o.testLoss)),
      tasks: headlineSummaries(
        study.tasks,
        outer.map((o) => o.headline),
      ),
    },
  };
}

/** The three forms of the same λ on the repeated splits, and no decay. */
function decayComparison(ctx: Context, epochs: number): LambdaResult['decay'] {
  const study = ctx.penguins;
  const lambdas = ctx.quick ? [1e-2] : [1e-2, 1e-1];
  const configs: { name: string; decay: Decay; lambda: number }[] = [
    { name: 'no decay', decay: 'l2', lambda: 0 },
  ];
  for (const l of lambdas) {
    configs.push(
      { name: `L2 in the loss (Adam), λ = ${fmtLambda(l)}`, decay: 'l2', lambda: l },
      { name: `Adam weight_decay, λ = ${fmtLambda(l)}`, decay: 'coupled', lambda: l },
      { name: `AdamW, λ = ${fmtLambda(l)}`, decay: 'decoupled', lambda: l },
    );
  }
  ctx.progress(`weight decay: ${configs.length} settings × ${study.seeds.length} splits`);
  return configs.map((c) => {
    const runs = study.seeds.map((seed) => {
      const s = trainTestSplitTables(ctx, seed);
      return trainScore(ctx, s.train, [s.test], c.lambda, c.decay, seed, epochs);
    });
    const tasks = headlineSummaries(
      study.tasks,
      runs.map((r) =>
        Object.fromEntries(
          study.tasks.map((t) => [t.name, HEADLINE[t.name].of(r.metrics[1][t.name], r.massStd)]),
        ),
      ),
    );
    return { ...c, repeats: runs.length, tasks, weightNorm: summary(runs.map((r) => r.norm)) };
  });
}

/** The training and test tables of a repeated split (training = train + validation rows: no early stopping here). */
function trainTestSplitTables(ctx: Context, seed: number): { train: Table; test: Table } {
  return ctx.penguins.memo(`tables:${seed}`, () => {
    const rows = ctx.penguins.splitIndices(seed);
    const train = Int32Array.from([...rows.train, ...rows.validation!]).sort();
    return { train: subsetTable(ctx.penguins.raw, train), test: subsetTable(ctx.penguins.raw, rows.test) };
  });
}

export const lambdaChoice: Experiment<LambdaResult> = {
  name: 'lambda',
  summary: 'nested cross-validation of the weight decay λ; L2 vs coupled vs decoupled decay with repeats',
  run(ctx) {
    const epochs = ctx.quick ? 10 : 80;
    return { ...nested(ctx, epochs), decay: decayComparison(ctx, epochs) };
  },
  print(res) {
    const curve = textTable(
      ['λ', 'inner val loss', 'train loss', 'gap (val − train)', '‖W‖'],
      curveRows(res),
    );
    const outer = textTable(
      ['outer fold', 'chosen λ', 'test loss'],
      res.outer.map((o) => [String(o.fold + 1), fmtLambda(o.chosen), o.testLoss.toFixed(4)]),
    );
    const decay = textTable(decayHeader(res), decayRows(res));
    return `${curve}\n\n${outer}\n   nested-CV test loss ${fmtSummary(res.test.loss, 4)}\n\n${decay}`;
  },
  render(res) {
    return renderLambda(res);
  },
};

function curveRows(res: LambdaResult): string[][] {
  return res.curve.map((c) => [
    fmtLambda(c.lambda),
    fmtSummary(c.valLoss, 4),
    fmtSummary(c.trainLoss, 4),
    fmtSummary(c.gap, 4),
    fmtSummary(c.weightNorm, 2),
  ]);
}

function decayHeader(res: LambdaResult): string[] {
  return ['decay', ...Object.keys(res.decay[0].tasks).map((n) => HEADLINE[n].label), '‖W‖'];
}

function decayRows(res: LambdaResult): string[][] {
  return res.decay.map((d) => [
    d.name,
    ...Object.entries(d.tasks).map(([n, s]) =>
      HEADLINE[n].metric === 'accuracy' ? fmtSummary(s, 1, 100) : fmtSummary(s, 0),
    ),
    fmtSummary(d.weightNorm, 2),
  ]);
}

/** An error-bar point from a symmetric t interval: the bar spans the interval. */
function bar(x: number, s: Summary) {
  return { x, mean: s.mean, std: (s.ci95[1] - s.ci95[0]) / 2 };
}

function renderLambda(res: LambdaResult): ReportSection[] {
  const chosen = res.outer.map((o) => o.chosen);
  const mode = res.curve.findIndex((c) => c.lambda === mostCommon(chosen));
  const chart = (title: string, yLabel: string, pick: (c: LambdaResult['curve'][number]) => Summary) =>
    errorBarChart({
      title,
      xLabel: 'λ',
      yLabel,
      logX: true,
      barLabel: `mean ± 95 % t interval over ${res.outerFolds} outer folds`,
      points: res.curve.map((c) => bar(c.lambda, pick(c))),
      highlight: mode >= 0 ? mode : undefined,
      height: 320,
    });
  return [
    {
      title: 'Choosing λ by nested cross-validation',
      intro:
        `Outer ${res.outerFolds}-fold cross-validation over all rows (stratified by species); inside each outer training part, ${res.innerFolds}-fold cross-validation picks λ ` +
        `by the sum of the three validation losses, and the model refitted with that λ is scored on the outer fold it never saw. ` +
        `Every fit runs ${res.epochs} epochs of Adam with L = Σ_t L_t + λ·½Σw² and no early stopping (which would regularise too). ` +
        `The chosen λ per outer fold: ${chosen.map(fmtLambda).join(', ')}; the most common one (a tie goes to the smaller λ) is highlighted. ` +
        `The procedure's test loss over the outer folds: ${fmtSummary(res.test.loss, 4)} (95 % t interval).`,
      blocks: [
        chart('inner-CV validation loss vs λ', 'validation loss', (c) => c.valLoss),
        chart('train/validation gap vs λ (validation − training loss)', 'loss gap', (c) => c.gap),
        chart('‖W‖ after training vs λ', '‖W‖', (c) => c.weightNorm),
        tableHtml(['λ', 'inner val loss', 'train loss', 'gap (val − train)', '‖W‖'], curveRows(res)),
        tableHtml(
          [
            'outer fold',
            'chosen λ',
            'test loss',
            ...Object.keys(res.test.tasks).map((n) => HEADLINE[n].label),
          ],
          res.outer.map((o) => [
            String(o.fold + 1),
            fmtLambda(o.chosen),
            o.testLoss.toFixed(4),
            ...Object.entries(o.headline).map(([n, v]) =>
              HEADLINE[n].metric === 'accuracy' ? `${(100 * v).toFixed(1)} %` : v.toFixed(0),
            ),
          ]),
        ),
      ],
    },
    {
      title: 'L2 in the loss vs AdamW, with repeats',
      intro:
        "λ·½Σw² in the loss gives the same gradient as Adam's coupled weight_decay λ (their rows differ only by float32 rounding). " +
        "AdamW decays the weights directly (w ← w − lr·λ·w), which is not equivalent under Adam's per-parameter scaling. " +
        `Test metrics on the same ${res.decay[0].repeats} repeated splits as the methods (training and validation rows together, ${res.epochs} epochs), mean [95 % t interval]; ‖W‖ is the norm of all weight matrices after training.`,
      blocks: [tableHtml(decayHeader(res), decayRows(res)), paragraph(decaySentence(res))],
    },
  ];
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

/** Plain words on whether decoupled decay shrinks ‖W‖ less, and whether any metric difference is established. */
function decaySentence(res: LambdaResult): string {
  const parts: string[] = [];
  for (const l of [...new Set(res.decay.filter((d) => d.lambda > 0).map((d) => d.lambda))]) {
    const l2 = res.decay.find((d) => d.lambda === l && d.decay === 'l2')!;
    const w = res.decay.find((d) => d.lambda === l && d.decay === 'decoupled')!;
    const apart =
      l2.weightNorm.ci95[1] < w.weightNorm.ci95[0] || w.weightNorm.ci95[1] < l2.weightNorm.ci95[0];
    parts.push(
      `at λ = ${fmtLambda(l)} ‖W‖ is ${l2.weightNorm.mean.toFixed(2)} with the L2 term and ${w.weightNorm.mean.toFixed(2)} with AdamW (${apart ? 'intervals apart' : 'intervals overlap'})`,
    );
  }
  return `${parts.join('; ')}. Metric differences between the three forms whose intervals overlap are not established by these ${res.decay[0].repeats} splits.`;
}
