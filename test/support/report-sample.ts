/** A sample report with realistic fake multi-task results (deterministic), shared by tests and the renderer. */
import {
  barChart,
  errorBarChart,
  heatmap,
  lineChart,
  paragraph,
  renderReport,
  table,
} from '../../src/report/index.js';

/** Mulberry32: a tiny deterministic PRNG so the sample is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function curve(
  rand: () => number,
  epochs: number,
  start: number,
  floor: number,
  rate: number,
  noise: number,
): [number, number][] {
  const pts: [number, number][] = [];
  for (let e = 1; e <= epochs; e++) {
    const v = floor + (start - floor) * Math.exp(-rate * e);
    pts.push([e, v * (1 + noise * (rand() - 0.5))]);
  }
  return pts;
}

export function sampleReport(): string {
  const rand = rng(42);
  const epochs = 150;
  const ew = curve(rand, epochs, 2.4, 0.21, 0.045, 0.06);
  const ewVal = curve(rand, epochs, 2.45, 0.29, 0.04, 0.08).map(
    ([x, y]) => [x, y + 0.0006 * x] as [number, number],
  );
  const uw = curve(rand, epochs, 2.4, 0.17, 0.05, 0.06);
  const uwVal = curve(rand, epochs, 2.5, 0.24, 0.045, 0.08);
  // GradNorm with a too-high learning rate: diverges for a while (NaN losses), then recovers after a restart.
  const gn = curve(rand, epochs, 2.4, 0.19, 0.05, 0.07).map(
    ([x, y]) => [x, x >= 61 && x <= 72 ? Number.NaN : y] as [number, number],
  );

  const lambdas = [0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2];
  const valLoss = [0.412, 0.405, 0.398, 0.371, 0.352, 0.366, 0.419, 0.538];
  const valStd = [0.021, 0.019, 0.018, 0.015, 0.012, 0.014, 0.02, 0.031];
  const best = valLoss.indexOf(Math.min(...valLoss));

  const methods = ['Equal weighting', 'Uncertainty', 'GradNorm', 'PCGrad', 'MGDA', 'Random loss weighting'];
  const tasks = ['species (acc)', 'sex (acc)', 'body mass (MAE)', 'flipper length (MAE)'];
  const deltaTask = [
    [-1.2, 0.4, -3.1, -2.2],
    [-1.8, -0.9, -4.6, -3.9],
    [-0.6, 1.7, -2.4, -1.1],
    [-2.1, -0.5, -3.8, -4.4],
    [0.8, 2.9, 1.2, -0.3],
    [-0.9, 0.2, -2.0, -1.7],
  ];
  const deltaM = deltaTask.map((r) => r.reduce((a, b) => a + b, 0) / r.length);

  const cos = [
    [1, 0.42, -0.18, 0.05],
    [0.42, 1, -0.31, -0.07],
    [-0.18, -0.31, 1, 0.64],
    [0.05, -0.07, 0.64, 1],
  ];

  return renderReport({
    title: 'Multi-task learning on Palmer penguins',
    subtitle: 'Hard parameter sharing, 2 × 64 hidden units, 4 tasks, 5 seeds per configuration',
    generated: '2025-01-15 14:32 UTC',
    sections: [
      {
        title: 'Training curves',
        intro:
          'Total loss (sum over tasks) per epoch for three weighting methods; solid lines are training, ' +
          'dashed lines validation.\n\nThe GradNorm run produced non-finite losses in epochs 61–72; ' +
          'those epochs are shown as a gap rather than drawn at 0.',
        blocks: [
          lineChart({
            title: 'Total loss per epoch (log scale)',
            xLabel: 'Epoch',
            yLabel: 'Loss (nats, summed over tasks)',
            logY: true,
            series: [
              { name: 'Equal weighting · train', points: ew },
              { name: 'Equal weighting · validation', points: ewVal, dashed: true },
              { name: 'Uncertainty · train', points: uw },
              { name: 'Uncertainty · validation', points: uwVal, dashed: true },
              { name: 'GradNorm · train', points: gn },
            ],
          }),
          lineChart({
            title: 'Learning rate schedule',
            xLabel: 'Step',
            yLabel: 'Learning rate',
            height: 260,
            series: [
              {
                name: 'cosine with warm-up',
                points: Array.from({ length: 121 }, (_, i) => {
                  const s = i * 250;
                  const lr =
                    s < 2000 ? (3e-3 * s) / 2000 : 1.5e-3 * (1 + Math.cos((Math.PI * (s - 2000)) / 28000));
                  return [s, lr] as [number, number];
                }),
              },
            ],
          }),
        ],
      },
      {
        title: 'Weight decay sweep',
        intro: `Validation loss (mean ± std over 5 seeds) against the weight decay λ. λ = 0 is shown left of the axis break. The chosen value is λ = ${lambdas[best]!.toExponential(0)}.`,
        blocks: [
          errorBarChart({
            title: 'Validation loss vs weight decay λ',
            xLabel: 'Weight decay λ (log scale)',
            yLabel: 'Validation loss (nats)',
            logX: true,
            highlight: best,
            points: lambdas.map((x, i) => ({
              x,
              mean: valLoss[i]!,
              std: valStd[i]!,
              label: `λ = ${x === 0 ? '0' : x.toExponential(0)}`,
            })),
          }),
          table({
            caption: 'Weight decay sweep (5 seeds each)',
            columns: [
              { key: 'lambda', label: 'λ', format: (v) => (v === 0 ? '0' : (v as number).toExponential(0)) },
              { key: 'mean', label: 'Val. loss (mean)', format: (v) => (v as number).toFixed(3) },
              { key: 'std', label: 'Std', format: (v) => (v as number).toFixed(3) },
              { key: 'chosen', label: 'Chosen', align: 'center', format: (v) => (v ? '✓' : '') },
            ],
            rows: lambdas.map((l, i) => ({
              lambda: l,
              mean: valLoss[i],
              std: valStd[i],
              chosen: i === best,
            })),
          }),
        ],
      },
      {
        title: 'Comparison with single-task models',
        intro:
          'Relative change Δ per task against independently trained single-task networks, in percent, signed ' +
          'so that negative means better (lower error or higher accuracy). Δm is the mean over tasks.',
        blocks: [
          barChart({
            title: 'Δ per task and weighting method',
            note: 'Negative Δ = better than single-task training; dashed line: Δm of equal weighting.',
            yLabel: 'Δ vs single-task (%)',
            categories: methods,
            groups: tasks.map((t, j) => ({ name: t, values: deltaTask.map((r) => r[j]!) })),
            referenceLine: { value: deltaM[0]!, label: 'Equal weighting Δm' },
          }),
          barChart({
            title: 'Δm per weighting method',
            note: 'Mean relative change over the 4 tasks; negative = better.',
            yLabel: 'Δm (%)',
            categories: methods,
            groups: [{ name: 'Δm', values: deltaM }],
            height: 320,
          }),
          table({
            caption: 'Test metrics, mean over 5 seeds',
            columns: [
              { key: 'method', label: 'Method' },
              {
                key: 'species',
                label: 'Species acc.',
                format: (v) => `${((v as number) * 100).toFixed(1)} %`,
              },
              { key: 'sex', label: 'Sex acc.', format: (v) => `${((v as number) * 100).toFixed(1)} %` },
              { key: 'mass', label: 'Body mass MAE (g)', format: (v) => (v as number).toFixed(0) },
              { key: 'flipper', label: 'Flipper MAE (mm)', format: (v) => (v as number).toFixed(2) },
              { key: 'dm', label: 'Δm (%)', format: (v) => (v as number).toFixed(2).replace('-', '\u2212') },
              { key: 'time', label: 'Train time (s)' },
            ],
            rows: methods.map((m, i) => ({
              method: m,
              species: 0.978 - deltaTask[i]![0]! / 200,
              sex: 0.891 - deltaTask[i]![1]! / 200,
              mass: 284 * (1 + deltaTask[i]![2]! / 100),
              flipper: 4.91 * (1 + deltaTask[i]![3]! / 100),
              dm: deltaM[i],
              time: [12.4, 12.9, 21.7, 30.2, 41.8, 12.6][i],
            })),
          }),
        ],
      },
      {
        title: 'Gradient conflict',
        intro:
          'Cosine similarity between per-task gradients of the shared trunk, averaged over the last 10 epochs. ' +
          'Negative values mean the tasks pull the shared weights in opposing directions.',
        blocks: [
          heatmap({ title: 'Cosine similarity of task gradients', labels: tasks, matrix: cos }),
          paragraph(
            'The regression tasks (body mass, flipper length) agree with each other (cos = 0.64) and conflict ' +
              'mildly with the sex classifier (cos = −0.31).',
          ),
        ],
      },
    ],
  });
}
