/**
 * Imbalanced tasks: the GradNorm toy problem (Chen et al. 2018), three regression tasks whose targets differ in
 * scale (σ = 1, 10, 100). An unweighted sum is dominated by the large task; adaptive methods rebalance. Errors are
 * MSE/σ², so that the tasks are comparable.
 */
import { gradNormToy } from '../../src/data/index.js';
import { Tensor } from '../../src/index.js';
import {
  DWA,
  EW,
  evaluate,
  fit,
  GradNorm,
  HardSharing,
  IMTL,
  MGDA,
  type TaskSpec,
  UW,
} from '../../src/mtl/index.js';
import type { ReportSection } from '../../src/report/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { type Experiment, tableHtml, textTable } from './common.js';

export interface ImbalanceResult {
  sigmas: number[];
  /** Per method, test MSE/σ² per task. */
  rows: { name: string; relative: number[] }[];
}

const SIGMAS = [1, 10, 100];
const SEED = 7;

export const imbalance: Experiment<ImbalanceResult> = {
  name: 'imbalance',
  summary: 'the GradNorm toy problem: tasks whose targets differ in scale by 100×',
  run(ctx) {
    ctx.progress('imbalanced tasks (GradNorm toy)');
    const toy = (dataSeed: number) => {
      const d = gradNormToy({
        tasks: 3,
        sigmas: SIGMAS,
        inputs: 20,
        outputs: 4,
        samples: 400,
        seed: SEED,
        dataSeed,
      });
      return {
        x: new Tensor(Float32Array.from(d.x), [d.nRows, d.nFeatures]),
        y: Object.fromEntries(d.targets.map((t, i) => [`σ=${SIGMAS[i]}`, t])),
      };
    };
    const train = toy(1);
    const test = toy(2);
    const tasks: TaskSpec[] = SIGMAS.map((s) => ({ name: `σ=${s}`, kind: 'regression', outputs: 4 }));
    const rows = [new EW(), new UW(), new DWA(), new GradNorm(), new IMTL(), new MGDA()].map((w) => {
      const model = HardSharing.build({ inputs: 20, hidden: [64, 64], tasks, rng: new Rng(SEED) });
      fit(model, train, { tasks, epochs: ctx.quick ? 5 : 40, batchSize: 32, lr: 1e-3, weighting: w });
      const m = evaluate(model, test, { tasks });
      return { name: w.name, relative: tasks.map((t, i) => (m[t.name].mse as number) / SIGMAS[i] ** 2) };
    });
    return { sigmas: SIGMAS, rows };
  },
  print(res) {
    return textTable(...imbalanceTable(res));
  },
  render(res) {
    return [
      {
        title: 'Imbalanced tasks',
        intro:
          'The GradNorm toy problem (Chen et al. 2018): three regression tasks sharing structure, with targets of scale ' +
          'σ = 1, 10 and 100. Test MSE divided by σ² makes the tasks comparable; an unweighted sum (EW) favours the ' +
          'large-σ task, adaptive methods rebalance. One seed: an illustration, not a measurement with an interval.',
        blocks: [tableHtml(...imbalanceTable(res))],
      } satisfies ReportSection,
    ];
  },
};

function imbalanceTable(res: ImbalanceResult): [string[], string[][]] {
  return [
    ['method', ...res.sigmas.map((s) => `σ=${s} MSE/σ²`), 'worst task'],
    res.rows.map((r) => [r.name, ...r.relative.map((v) => v.toFixed(3)), Math.max(...r.relative).toFixed(3)]),
  ];
}
