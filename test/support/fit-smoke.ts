/** A small two-task regression problem and a check that a weighting makes its losses fall under `fit`. */
import { tensor } from '../../src/autograd/create.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { fit } from '../../src/mtl/trainer.js';
import type { Weighting } from '../../src/mtl/weighting/types.js';
import { Rng } from '../../src/tensor/rng.js';

export const smokeTasks: TaskSpec[] = [
  { name: 'a', kind: 'regression' },
  { name: 'b', kind: 'regression' },
];

/** 64 rows of y_a = 2x_0 − x_1, y_b = x_0 + 3x_1 (related tasks on a shared input). */
export function smokeData(seed = 3) {
  const rng = new Rng(seed);
  const x = Array.from({ length: 64 }, () => [rng.normal(), rng.normal()]);
  return { x: tensor(x), y: { a: x.map((r) => 2 * r[0] - r[1]), b: x.map((r) => r[0] + 3 * r[1]) } };
}

/** First- and last-epoch mean training loss per task after `epochs` epochs of Adam. */
export function fitLosses(weighting: Weighting, epochs = 12, extra: object = {}) {
  const model = HardSharing.build({ inputs: 2, hidden: [8], tasks: smokeTasks, rng: new Rng(1) });
  const history = fit(model, smokeData(), {
    tasks: smokeTasks,
    epochs,
    batchSize: 16,
    weighting,
    optimizer: 'adam',
    lr: 0.02,
    ...extra,
  });
  const first = history.epochs[0].trainLoss;
  const last = history.epochs[history.epochs.length - 1].trainLoss;
  return { first, last, history };
}

/** True when every task's mean training loss fell to below `factor` of its first epoch. */
export function lossesFell(weighting: Weighting, factor = 0.5, epochs = 12, extra: object = {}): boolean {
  const { first, last } = fitLosses(weighting, epochs, extra);
  return smokeTasks.every((t) => last[t.name] < factor * first[t.name]);
}
