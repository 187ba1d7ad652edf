/**
 * The reference formulation's whole story on real data (Palmer Penguins): a shared ReLU trunk with one head per task
 * (species: 3 classes, sex: binary with missing labels, body mass: regression), L2 weight decay and
 * Adam. It answers its questions with measurements:
 *   1. how to choose λ: 5-fold cross-validated sweep over the weight decay;
 *   2. what sharing buys: the multi-task model vs one single-task model per task (Δm);
 *   3. L2 in the loss vs decoupled decay (AdamW);
 *   4. the weighting methods side by side (imbalanced tasks, adaptive weighting);
 *   5. imbalanced tasks: the GradNorm toy problem with targets of very different scales;
 *   6. task relationships: the cosine between task gradients over training.
 * Run: npm run demo  (writes report.html; `--quick` for a smoke run, `--out FILE` to choose the path)
 */
import { writeFileSync } from 'node:fs';
// The package entries attach Tensor's chained methods, which src/mtl relies on; this file imports src files directly.
import '../src/autograd/methods.js';
import { resolve } from 'node:path';
import { Tensor } from '../src/autograd/tensor.js';
import {
  applyStandardizer,
  applyTargetStandardizer,
  fitStandardizer,
  fitTargetStandardizer,
  gradNormToy,
  loadTable,
  penguinsRows,
  type Table,
  tableTasks,
  tableToData,
  trainTestSplit,
} from '../src/data/index.js';
import {
  CAGrad,
  compareWithSingleTask,
  DWA,
  deltaM,
  EW,
  evaluate,
  FAMO,
  fit,
  GradNorm,
  gridSearch,
  groupTasks,
  HardSharing,
  type History,
  IMTL,
  MGDA,
  NashMTL,
  PCGrad,
  RLW,
  type TaskMetrics,
  type TaskSpec,
  taskAffinity,
  UW,
  type Weighting,
} from '../src/mtl/index.js';
import {
  barChart,
  errorBarChart,
  heatmap,
  lineChart,
  paragraph,
  renderReport,
  sideBySide,
  table,
} from '../src/report/index.js';
import { Rng } from '../src/tensor/rng.js';

/**
 * The gradient cosines and the TAG affinity heatmaps side by side. The affinity's colour scale is symmetric at its
 * largest off-diagonal |Z| (what grouping compares); a larger self-affinity shows as the scale's end colour.
 */
function affinityBeside(tasks: readonly TaskSpec[], cosine: number[][], affinity: number[][]): string {
  const labels = tasks.map((t) => t.name);
  const off = affinity.flatMap((row, i) => row.filter((v, j) => i !== j && Number.isFinite(v)));
  const top = Math.max(1e-6, ...off.map(Math.abs));
  return sideBySide([
    heatmap({ title: 'gradient cosine, last epoch', labels, matrix: cosine, width: 480 }),
    heatmap({
      title: 'TAG affinity Z(i→j)',
      labels,
      matrix: affinity,
      min: -top,
      max: top,
      digits: 3,
      width: 480,
    }),
  ]);
}

export interface DemoOptions {
  /** Fewer epochs, folds and λ values: a smoke run for tests. */
  quick?: boolean;
  /** Where to write the report (default report.html in the working directory). */
  out?: string;
  /** Progress and tables go here (default: console.log / process.stderr). */
  log?: (line: string) => void;
  progress?: (line: string) => void;
}

export interface DemoResult {
  reportPath: string;
  lambda: number;
  deltaM: number;
  tables: Record<string, string>;
}

const FEATURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Island'];
const SEED = 7;

export function runDemo(options: DemoOptions = {}): DemoResult {
  const quick = options.quick === true;
  const log = options.log ?? ((s: string) => console.log(s));
  const progress = options.progress ?? ((s: string) => process.stderr.write(`${s}\n`));
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  // Data: three tasks from the same measurements. Features are standardised on the training rows only.
  const raw = loadTable(penguinsRows(), {
    features: FEATURES,
    categorical: ['Island'],
    tasks: [
      { column: 'Species', name: 'species', kind: 'classification' },
      { column: 'Sex', name: 'sex', kind: 'binary' },
      { column: 'Body Mass (g)', name: 'mass', kind: 'regression' },
    ],
  });
  const split = trainTestSplit(raw, { test: 0.25, validation: 0.15, seed: SEED, stratify: 'species' });
  const scaler = fitStandardizer(split.train);
  const targets = fitTargetStandardizer(split.train);
  const prep = (t: Table) => applyTargetStandardizer(applyStandardizer(t, scaler), targets);
  const train = tableToData(prep(split.train));
  const val = tableToData(prep(split.validation!));
  const test = tableToData(prep(split.test));
  const tasks = tableTasks(raw);
  const massStd = targets.tasks.mass.std;
  const missingSex = Array.from(raw.tasks.sex.values).filter(Number.isNaN).length;
  log(
    `\nPalmer Penguins: ${raw.nRows} rows kept (${raw.dropped.length} dropped: ${raw.dropped.map((d) => `row ${d.row} ${d.reason}`).join('; ')})`,
  );
  log(`  ${missingSex} rows lack a sex label: they train species and mass only.`);
  log(
    `  split: ${split.train.nRows} train / ${split.validation!.nRows} validation / ${split.test.nRows} test (stratified by species, seed ${SEED})`,
  );

  const hidden = [32, 32];
  const epochs = quick ? 15 : 120;
  const build = (ts: readonly TaskSpec[], seed: number) =>
    HardSharing.build({ inputs: raw.nFeatures, hidden, tasks: ts, rng: new Rng(seed) });
  const base = { epochs, batchSize: 32, lr: 3e-3 };

  // 1. Choosing λ by 5-fold cross-validation on the training rows.
  const lambdas = quick ? [0, 1e-3, 1e-1] : [0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];
  progress(`[${elapsed()}] cross-validating λ over ${lambdas.length} values × ${quick ? 3 : 5} folds ...`);
  const grid = gridSearch({
    tasks,
    data: train,
    build,
    folds: quick ? 3 : 5,
    stratify: 'species',
    grid: { weightDecay: lambdas },
    fit: base,
    seed: SEED,
  });
  const lambda = grid.best.params.weightDecay as number;
  const lambdaRows = grid.rows.map((r) => ({
    lambda: r.params.weightDecay as number,
    loss: `${r.mean.toFixed(4)} ± ${r.std.toFixed(4)}`,
    species: pct(r.result.metrics.species.accuracy.mean),
    sex: pct(r.result.metrics.sex.accuracy.mean),
    mass: (r.result.metrics.mass.mae.mean * massStd).toFixed(0),
    chosen: r === grid.best ? '←' : '',
  }));
  const lambdaTable = textTable(
    ['λ', 'val loss (mean ± std)', 'species acc', 'sex acc', 'mass MAE (g)', ''],
    lambdaRows.map((r) => [fmtLambda(r.lambda), r.loss, r.species, r.sex, r.mass, r.chosen]),
  );
  log(
    `\n1. Choosing λ (L = Σ_t L_t + λ·½Σw², 5-fold CV on the training rows):\n${lambdaTable}\n   chosen λ = ${fmtLambda(lambda)}`,
  );

  // 2. Multi-task vs single-task, same trunk, budget and seed.
  progress(`[${elapsed()}] training the multi-task model and ${tasks.length} single-task baselines ...`);
  const fitOpts = { ...base, weightDecay: lambda, validation: val };
  const cmp = compareWithSingleTask({ tasks, train, test, build, fit: fitOpts, seed: SEED });
  const stlMetrics: Record<string, TaskMetrics> = {};
  for (const t of tasks) stlMetrics[t.name] = cmp.tasks[t.name].stl;
  const cmpRows = tasks.flatMap((t) =>
    metricList(t).map((m) => {
      const a = cmp.tasks[t.name].mtl[m.key] as number;
      const b = cmp.tasks[t.name].stl[m.key] as number;
      return [t.name, m.label, m.fmt(a, massStd), m.fmt(b, massStd), better(m.higher, a, b)];
    }),
  );
  const cmpTable = textTable(['task', 'metric', 'multi-task', 'single-task', 'better'], cmpRows);
  log(
    `\n2. Multi-task (one shared trunk) vs single-task models (test set, λ = ${fmtLambda(lambda)}):\n${cmpTable}\n` +
      `   Δm = ${cmp.deltaM.toFixed(2)} % (negative: the multi-task model is better); parameters ${cmp.parameters.mtl} vs ${cmp.parameters.stl}`,
  );

  // 3. L2 in the loss vs AdamW's decoupled decay.
  progress(`[${elapsed()}] L2 penalty vs AdamW ...`);
  // The same λ in three forms: the L2 term and Adam's coupled decay give the same gradient; AdamW's
  // decoupled decay does not. ‖W‖ is the norm of all weight matrices at the end of training.
  const decayLambdas = quick ? [1e-2] : [1e-3, 1e-2, 1e-1];
  const decayRuns = decayLambdas.flatMap((l) => [
    { name: `L2 in the loss (Adam), λ = ${fmtLambda(l)}`, opts: { weightDecay: l, decay: 'l2' as const } },
    { name: `Adam weight_decay, λ = ${fmtLambda(l)}`, opts: { weightDecay: l, decay: 'coupled' as const } },
    { name: `AdamW, λ = ${fmtLambda(l)}`, opts: { weightDecay: l, decay: 'decoupled' as const } },
  ]);
  decayRuns.push({ name: 'no decay', opts: { weightDecay: 0, decay: 'l2' as const } });
  const decayRows = decayRuns.map((r) => {
    const model = build(tasks, SEED);
    fit(model, train, { ...base, tasks, ...r.opts });
    const m = evaluate(model, test, { tasks });
    let squares = 0;
    for (const p of model.parameters()) if (p.rank >= 2) for (const v of p.data) squares += v * v;
    const norm = Math.sqrt(squares);
    return [
      r.name,
      pct(m.species.accuracy!),
      pct(m.sex.accuracy!),
      (m.mass.mae! * massStd).toFixed(0),
      m.mass.r2!.toFixed(3),
      norm.toFixed(2),
    ];
  });
  const decayTable = textTable(
    ['decay', 'species acc', 'sex acc', 'mass MAE (g)', 'mass R²', '‖W‖'],
    decayRows,
  );
  log(`\n3. Weight decay as an L2 term vs AdamW (test set):\n${decayTable}`);

  // 4. Weighting methods, same split and seed.
  const methods: (() => Weighting)[] = [
    () => new EW(),
    () => new UW(),
    () => new DWA(),
    () => new RLW({ seed: SEED }),
    () => new FAMO(),
    () => new GradNorm(),
    () => new MGDA(),
    () => new MGDA({ representation: true }),
    () => new PCGrad({ seed: SEED }),
    () => new CAGrad(),
    () => new IMTL(),
    () => new NashMTL(),
  ];
  const weightingResults: {
    name: string;
    metrics: Record<string, TaskMetrics>;
    deltaM: number;
    seconds: number;
    history: History;
  }[] = [];
  for (const make of methods) {
    const w = make();
    progress(`[${elapsed()}] weighting ${w.name} ...`);
    const model = build(tasks, SEED);
    const t0 = Date.now();
    const history = fit(model, train, { ...fitOpts, tasks, weighting: w, recordConflict: w.name === 'EW' });
    const seconds = (Date.now() - t0) / 1000;
    const metrics = evaluate(model, test, { tasks });
    weightingResults.push({
      name: w.name,
      metrics,
      deltaM: deltaM(tasks, metrics, stlMetrics),
      seconds,
      history,
    });
  }
  const wRows = weightingResults.map((r) => [
    r.name,
    pct(r.metrics.species.accuracy!),
    pct(r.metrics.sex.accuracy!),
    r.metrics.sex.auc!.toFixed(3),
    (r.metrics.mass.mae! * massStd).toFixed(0),
    r.metrics.mass.r2!.toFixed(3),
    `${r.deltaM >= 0 ? '+' : ''}${r.deltaM.toFixed(2)}`,
    r.seconds.toFixed(2),
  ]);
  const wTable = textTable(
    ['method', 'species acc', 'sex acc', 'sex AUC', 'mass MAE (g)', 'mass R²', 'Δm %', 'seconds'],
    wRows,
  );
  log(
    `\n4. Weighting methods (test set; Δm against the single-task baselines, negative is better):\n${wTable}`,
  );

  // 5. Imbalanced tasks: the GradNorm toy problem, three regression tasks whose targets differ in
  // scale (σ = 1, 10, 100). An unweighted sum is dominated by the large task; adaptive methods rebalance.
  // Errors are reported as MSE/σ² so that the tasks are comparable.
  progress(`[${elapsed()}] imbalanced tasks (GradNorm toy) ...`);
  const sigmas = [1, 10, 100];
  const toy = (dataSeed: number) => {
    const d = gradNormToy({ tasks: 3, sigmas, inputs: 20, outputs: 4, samples: 400, seed: SEED, dataSeed });
    return {
      x: new Tensor(Float32Array.from(d.x), [d.nRows, d.nFeatures]),
      y: Object.fromEntries(d.targets.map((t, i) => [`σ=${sigmas[i]}`, t])),
    };
  };
  const toyTrain = toy(1);
  const toyTest = toy(2);
  const toyTasks: TaskSpec[] = sigmas.map((s) => ({ name: `σ=${s}`, kind: 'regression', outputs: 4 }));
  const imbalanceRows = [new EW(), new UW(), new DWA(), new GradNorm(), new IMTL(), new MGDA()].map((w) => {
    const model = HardSharing.build({ inputs: 20, hidden: [64, 64], tasks: toyTasks, rng: new Rng(SEED) });
    fit(model, toyTrain, { tasks: toyTasks, epochs: quick ? 5 : 40, batchSize: 32, lr: 1e-3, weighting: w });
    const m = evaluate(model, toyTest, { tasks: toyTasks });
    const rel = toyTasks.map((t, i) => (m[t.name].mse as number) / sigmas[i] ** 2);
    return [w.name, ...rel.map((r) => r.toFixed(3)), Math.max(...rel).toFixed(3)];
  });
  const imbalanceTable = textTable(
    ['method', ...toyTasks.map((t) => `${t.name} MSE/σ²`), 'worst task'],
    imbalanceRows,
  );
  log(
    `\n5. Imbalanced tasks (GradNorm toy, targets of scale σ = 1, 10, 100; test MSE/σ², lower is better):\n${imbalanceTable}`,
  );

  // 6. Gradient conflict during EW training.
  const ew = weightingResults[0].history;
  const finalConflict = ew.epochs[ew.epochs.length - 1].conflict!;
  const pairs: [number, number][] = [];
  for (let i = 0; i < tasks.length; i++) for (let j = i + 1; j < tasks.length; j++) pairs.push([i, j]);
  log(
    `\n6. Cosine between task gradients on the shared trunk (EW, mean over the last epoch): ${pairs
      .map(([i, j]) => `${tasks[i].name}/${tasks[j].name} ${finalConflict[i][j].toFixed(3)}`)
      .join(', ')}`,
  );
  // TAG's lookahead affinity Z(i→j), measured during a short joint SGD run of a fresh model; the best 2 groups.
  const affinity = taskAffinity(build(tasks, SEED), train, { tasks, epochs: quick ? 2 : 10, lr: 0.05 });
  const grouping = groupTasks(affinity, 2).groups.map((g) => g.map((t) => tasks[t].name).join(' + '));
  log(
    `   TAG affinity (rows i → columns j): ${JSON.stringify(affinity.map((r) => r.map((v) => +v.toFixed(4))))}; best 2 groups: ${grouping.join(' | ')}`,
  );

  // The report.
  const mtlHistory = cmp.histories.mtl;
  const out = resolve(options.out ?? 'report.html');
  const html = renderReport({
    title: 'mtlgrad: multi-task learning with weight decay on Palmer Penguins',
    subtitle: `A shared ReLU trunk [${hidden.join(', ')}] with heads for species, sex and body mass; L = Σ_t L_t + λ·½Σw², Adam.`,
    generated: new Date().toISOString(),
    sections: [
      {
        title: 'Data',
        intro:
          `${raw.nRows} penguins kept of ${raw.nRows + raw.dropped.length}; ${missingSex} lack a sex label and train the other two tasks only. ` +
          `Features: bill length and depth, flipper length (standardised on the training rows) and island (one-hot). ` +
          `Split ${split.train.nRows} / ${split.validation!.nRows} / ${split.test.nRows} (train / validation / test), stratified by species.`,
        blocks: [],
      },
      {
        title: 'Training curves of the multi-task model',
        intro:
          'Per-task loss on the training batches (solid) and on the validation rows (dashed), per epoch.',
        blocks: tasks.map((t) =>
          lineChart({
            title: `${t.name} loss`,
            xLabel: 'epoch',
            yLabel: t.kind === 'regression' ? 'MSE (standardised)' : 'cross-entropy',
            series: [
              { name: 'train', points: mtlHistory.epochs.map((e) => [e.epoch + 1, e.trainLoss[t.name]]) },
              {
                name: 'validation',
                dashed: true,
                points: mtlHistory.epochs.map((e) => [
                  e.epoch + 1,
                  e.validation?.[t.name].loss ?? Number.NaN,
                ]),
              },
            ],
          }),
        ),
      },
      {
        title: 'Choosing λ',
        intro: `Mean validation loss (sum of the three task losses) over ${quick ? 3 : 5} folds, ± one standard deviation. The chosen λ is highlighted.`,
        blocks: [
          errorBarChart({
            title: 'cross-validated loss vs weight decay λ',
            xLabel: 'λ',
            yLabel: 'validation loss',
            logX: true,
            points: grid.rows.map((r) => ({ x: r.params.weightDecay as number, mean: r.mean, std: r.std })),
            highlight: grid.rows.indexOf(grid.best),
          }),
          table({
            columns: [
              { key: 'lambda', label: 'λ', align: 'right', format: (v) => fmtLambda(v as number) },
              { key: 'loss', label: 'loss (mean ± std)', align: 'right' },
              { key: 'species', label: 'species acc', align: 'right' },
              { key: 'sex', label: 'sex acc', align: 'right' },
              { key: 'mass', label: 'mass MAE (g)', align: 'right' },
              { key: 'chosen', label: '' },
            ],
            rows: lambdaRows,
          }),
        ],
      },
      {
        title: 'What sharing buys',
        intro: `Test metrics of the multi-task model and of one single-task model per task (same trunk, epochs, optimiser and seed). Δm = ${cmp.deltaM.toFixed(2)} % (negative means the multi-task model is better).`,
        blocks: [tableHtml(['task', 'metric', 'multi-task', 'single-task', 'better'], cmpRows)],
      },
      {
        title: 'L2 in the loss vs AdamW',
        intro:
          "λ·½Σw² in the loss gives the same gradient as Adam's coupled weight_decay λ (the two rows differ only by float32 rounding). " +
          "AdamW decays the weights directly (w ← w − lr·λ·w), which is not equivalent under Adam's per-parameter scaling: " +
          'at the same λ it shrinks the weights far less here. ‖W‖ is the norm of all weight matrices after training.',
        blocks: [tableHtml(['decay', 'species acc', 'sex acc', 'mass MAE (g)', 'mass R²', '‖W‖'], decayRows)],
      },
      {
        title: 'Weighting methods',
        intro:
          'Same split, seed, λ and epochs for every method. Δm is measured against the single-task baselines above.',
        blocks: [
          barChart({
            title: 'Δm per weighting method',
            yLabel: 'Δm (%)',
            note: 'negative is better',
            categories: weightingResults.map((r) => r.name),
            groups: [{ name: 'Δm', values: weightingResults.map((r) => r.deltaM) }],
            referenceLine: { value: 0, label: 'single-task' },
          }),
          tableHtml(
            ['method', 'species acc', 'sex acc', 'sex AUC', 'mass MAE (g)', 'mass R²', 'Δm %', 'seconds'],
            wRows,
          ),
        ],
      },
      {
        title: 'Imbalanced tasks',
        intro:
          'The GradNorm toy problem (Chen et al. 2018): three regression tasks sharing structure, with targets of scale ' +
          'σ = 1, 10 and 100. Test MSE divided by σ² makes the tasks comparable; an unweighted sum (EW) favours the ' +
          'large-σ task, adaptive methods rebalance.',
        blocks: [
          tableHtml(['method', ...toyTasks.map((t) => `${t.name} MSE/σ²`), 'worst task'], imbalanceRows),
        ],
      },
      {
        title: 'Task relationships: gradient conflict',
        intro:
          'Cosine similarity between the task gradients on the shared trunk, averaged per epoch (EW training). Negative values mean the tasks pull the shared weights in conflicting directions.',
        blocks: [
          lineChart({
            title: 'cosine between task gradients',
            xLabel: 'epoch',
            yLabel: 'cosine similarity',
            series: pairs.map(([i, j]) => ({
              name: `${tasks[i].name} / ${tasks[j].name}`,
              points: ew.epochs.map((e) => [e.epoch + 1, e.conflict![i][j]]),
            })),
          }),
          affinityBeside(tasks, finalConflict, affinity),
          paragraph(
            'Left: computed by the trainer with recordConflict: true; see gradientConflict() for a one-off measurement. ' +
              `Right: taskAffinity() (TAG, Fifty et al. 2021), Z(i→j) = 1 − L_j(θ⁺_i)/L_j(θ) after a lookahead SGD step on task i alone, row i → column j, averaged over a short joint training run; positive means a step for i also helps j. groupTasks(affinity, 2) groups ${grouping.join(' | ')}.`,
          ),
        ],
      },
    ],
  });
  writeFileSync(out, html);
  log(`\nReport written to ${out} (${elapsed()})`);
  return {
    reportPath: out,
    lambda,
    deltaM: cmp.deltaM,
    tables: {
      lambda: lambdaTable,
      compare: cmpTable,
      decay: decayTable,
      weighting: wTable,
      imbalance: imbalanceTable,
    },
  };
}

interface MetricRow {
  key: keyof TaskMetrics;
  label: string;
  higher: boolean;
  fmt: (v: number, massStd: number) => string;
}

function metricList(t: TaskSpec): MetricRow[] {
  if (t.kind === 'regression') {
    return [
      { key: 'mae', label: 'MAE (g)', higher: false, fmt: (v, s) => (v * s).toFixed(0) },
      { key: 'mse', label: 'RMSE (g)', higher: false, fmt: (v, s) => (Math.sqrt(v) * s).toFixed(0) },
      { key: 'r2', label: 'R²', higher: true, fmt: (v) => v.toFixed(3) },
    ];
  }
  const rows: MetricRow[] = [
    { key: 'accuracy', label: 'accuracy', higher: true, fmt: (v) => pct(v) },
    { key: 'macroF1', label: 'macro-F1', higher: true, fmt: (v) => v.toFixed(3) },
    { key: 'logLoss', label: 'log-loss', higher: false, fmt: (v) => v.toFixed(3) },
  ];
  if (t.kind === 'binary') rows.push({ key: 'auc', label: 'AUC', higher: true, fmt: (v) => v.toFixed(3) });
  return rows;
}

function better(higher: boolean, a: number, b: number): string {
  if (a === b) return 'tie';
  return (higher ? a > b : a < b) ? 'multi-task' : 'single-task';
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)} %`;
}

function fmtLambda(v: number): string {
  return v === 0 ? '0' : v.toExponential(0);
}

/** A plain-text table with aligned columns. */
function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `   ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [line(header), `   ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...rows.map(line)].join('\n');
}

function tableHtml(header: string[], rows: string[][]): string {
  return table({
    columns: header.map((h, i) => ({ key: String(i), label: h, align: i === 0 ? 'left' : 'right' })),
    rows: rows.map((r) => Object.fromEntries(r.map((c, i) => [String(i), c]))),
  });
}

// Run when executed directly: `tsx examples/demo.ts [--quick] [--out FILE]`.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('demo.ts')) {
  const args = process.argv.slice(2);
  const bad = args.filter((a, i) => !['--quick', '--out'].includes(a) && args[i - 1] !== '--out');
  if (bad.length > 0) {
    process.stderr.write(`demo: unknown argument ${bad[0]} (expected --quick, --out FILE)\n`);
    process.exit(2);
  }
  const outIdx = args.indexOf('--out');
  runDemo({ quick: args.includes('--quick'), out: outIdx >= 0 ? args[outIdx + 1] : undefined });
}
