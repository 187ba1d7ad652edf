/** Hostile inputs to predict/evaluate and the analysis helpers. */
import { tensor } from '../../src/autograd/create.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { compareWithSingleTask, crossValidate, deltaM, gridSearch } from '../../src/mtl/analysis.js';
import { evaluate, predict } from '../../src/mtl/evaluate.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import type { HostileCase } from './classify.js';
import { BINARY, finite, TWO_TASKS, tinyData, tinyModel } from './fixtures.js';

const FIT = { epochs: 2, batchSize: 8, lr: 0.01 };
const RECIPE = { inputs: 3, hidden: [4] };
const REGRESSION: TaskSpec[] = [{ name: 'r', kind: 'regression' }];
const x = () => tinyData(4).x as Tensor;

/** Binary labels with a single positive row: a 2-fold split leaves one fold without it (AUC undefined). */
function onePositive() {
  const d = tinyData(12);
  d.y.a = Float64Array.from({ length: 12 }, (_, i) => (i === 0 ? 1 : 0));
  return d;
}

/** True when a compare result has a finite Δm and lists a skipped metric of `task`. */
function skipsMetricOf(task: string, metric?: string) {
  return (r: unknown) => {
    const res = r as { deltaM: number; skipped?: { task: string; metric: string; reason: string }[] };
    return (
      finite(res.deltaM) &&
      Array.isArray(res.skipped) &&
      res.skipped.some(
        (s) => s.task === task && (metric === undefined || s.metric === metric) && s.reason !== '',
      )
    );
  };
}

export const mtlCases: HostileCase[] = [
  // Batch sizes
  { id: 'mtl: predict(model, x, 0)', run: () => predict(tinyModel(), x(), 0), message: /batchSize/ },
  { id: 'mtl: predict(model, x, -5)', run: () => predict(tinyModel(), x(), -5), message: /batchSize/ },
  { id: 'mtl: predict(model, x, 1.5)', run: () => predict(tinyModel(), x(), 1.5), message: /batchSize/ },
  {
    id: 'mtl: evaluate batchSize 0',
    run: () => evaluate(tinyModel(), tinyData(4), { tasks: BINARY, batchSize: 0 }),
    message: /batchSize/,
  },
  {
    id: 'mtl: evaluate {batchsize}',
    run: () => evaluate(tinyModel(), tinyData(4), { tasks: BINARY, batchsize: 2 } as never),
    message: /did you mean 'batchSize'/,
  },
  // Inputs that are not tensors
  {
    id: 'mtl: predict(model, [[1, 2, 3]]) accepts nested arrays',
    run: () => predict(tinyModel(), [[1, 2, 3]] as unknown as Tensor),
    ok: (r) => {
      const expected = predict(tinyModel(), tensor([[1, 2, 3]])).a.data[0];
      return (r as Record<string, Tensor>).a?.data[0] === expected;
    },
  },
  { id: "mtl: predict(model, 'abc')", run: () => predict(tinyModel(), 'abc' as unknown as Tensor) },
  { id: 'mtl: predict(model, [1, 2, 3]) (rank 1)', run: () => predict(tinyModel(), tensor([1, 2, 3])) },
  // Δm with metrics that cannot be computed
  {
    id: 'mtl: deltaM with a baseline metric of 0',
    run: () => deltaM(REGRESSION, { r: { mse: 1, mae: 1 } }, { r: { mse: 0, mae: 1 } }),
    message: /mse/,
  },
  {
    id: 'mtl: deltaM with a NaN AUC',
    run: () =>
      deltaM(
        BINARY,
        { a: { accuracy: 0.5, macroF1: 0.5, auc: Number.NaN } },
        { a: { accuracy: 0.5, macroF1: 0.5, auc: 0.5 } },
      ),
    message: /auc/,
  },
  {
    id: 'mtl: compareWithSingleTask, one-class test split (AUC undefined)',
    run: () =>
      compareWithSingleTask({
        ...RECIPE,
        tasks: BINARY,
        train: tinyData(16),
        test: tinyData(8, { oneClass: 1 }),
        fit: FIT,
      }),
    ok: skipsMetricOf('a', 'auc'),
  },
  {
    id: 'mtl: compareWithSingleTask, a task with every test label missing',
    run: () =>
      compareWithSingleTask({
        ...RECIPE,
        tasks: TWO_TASKS,
        train: tinyData(16, { regression: 'x0' }),
        test: tinyData(8, { regression: 'missing' }),
        fit: FIT,
      }),
    ok: skipsMetricOf('r'),
  },
  {
    id: 'mtl: compareWithSingleTask {fitt}',
    run: () =>
      compareWithSingleTask({
        ...RECIPE,
        tasks: BINARY,
        train: tinyData(8),
        test: tinyData(8),
        fitt: FIT,
      } as never),
    message: /did you mean 'fit'/,
  },
  // Folds whose score is NaN
  {
    id: 'mtl: crossValidate with a fold whose AUC is undefined',
    run: () =>
      crossValidate({ ...RECIPE, tasks: BINARY, data: onePositive(), folds: 2, score: 'a.auc', fit: FIT }),
    message: /fold/,
  },
  {
    id: 'mtl: gridSearch where every row has a NaN fold',
    run: () =>
      gridSearch({
        ...RECIPE,
        tasks: BINARY,
        data: onePositive(),
        folds: 2,
        score: 'a.auc',
        fit: FIT,
        grid: { lr: [0.01, 0.1] },
      }),
    message: /fold/,
  },
  {
    id: 'mtl: gridSearch grid {weightdecay}',
    run: () =>
      gridSearch({
        ...RECIPE,
        tasks: BINARY,
        data: tinyData(8),
        folds: 2,
        fit: FIT,
        grid: { weightdecay: [0, 1] },
      }),
    message: /did you mean 'weightDecay'/,
  },
  {
    id: 'mtl: crossValidate {fols}',
    run: () => crossValidate({ ...RECIPE, tasks: BINARY, data: tinyData(8), fols: 2, fit: FIT } as never),
    message: /did you mean 'folds'/,
  },
  {
    id: 'mtl: crossValidate of a sound setting',
    run: () => crossValidate({ ...RECIPE, tasks: BINARY, data: tinyData(12), folds: 2, fit: FIT }),
    ok: (r) => finite((r as { mean: number }).mean),
  },
];
