/**
 * The trainer's side of a lookahead method (Auto-Lambda): validation batches drawn like a data
 * loader (a seeded permutation, walked batch by batch, redrawn when used up) and the
 * {@link LookaheadContext} that evaluates losses and gradients on them.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { backward } from '../autograd/graph.js';
import { add, mul } from '../autograd/ops/binary.js';
import type { Tensor } from '../autograd/tensor.js';
import type { Rng } from '../tensor/rng.js';
import type { MultiTaskModel } from './architectures.js';
import { type PreparedData, subset, taskLoss } from './data.js';
import type { TaskSpec } from './tasks.js';
import type { LookaheadContext } from './weighting/types.js';

/** Batches of `batchSize` rows of `data`, each row once per pass, in a fresh seeded order per pass. */
export class BatchStream {
  private order: Int32Array;
  private at = 0;
  constructor(
    private readonly data: PreparedData,
    private readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    this.order = rng.permutation(data.n);
  }
  next(): PreparedData {
    if (this.at >= this.data.n) {
      this.order = this.rng.permutation(this.data.n);
      this.at = 0;
    }
    const end = Math.min(this.data.n, this.at + this.batchSize);
    const batch = subset(this.data, this.order.subarray(this.at, end));
    this.at = end;
    return batch;
  }
}

/** The context for one training step: `train` is the step's batch, `validation` a batch of the stream. */
export function lookaheadContext(
  model: MultiTaskModel,
  tasks: readonly TaskSpec[],
  lr: number,
  train: PreparedData,
  validation: PreparedData,
): LookaheadContext {
  const parameters = model.parameters();
  const pick = (which: 'train' | 'validation') => (which === 'train' ? train : validation);
  const lossTensors = (batch: PreparedData): (Tensor | null)[] => {
    const out = model.forward(batch.x);
    return tasks.map((task, t) => taskLoss(task, out[task.name], batch.labels[t]));
  };
  return {
    parameters,
    lr,
    losses: (which) => noGrad(() => lossTensors(pick(which)).map((l) => l?.item() ?? Number.NaN)),
    gradient(which, c) {
      model.zeroGrad();
      let total: Tensor | null = null;
      for (const [t, l] of lossTensors(pick(which)).entries()) {
        if (l === null || c[t] === 0) continue;
        total = total === null ? mul(l, c[t]) : add(total, mul(l, c[t]));
      }
      if (total?.requiresGrad) backward(total, undefined, {});
      const grads = parameters.map((p) =>
        p.grad ? Float64Array.from(p.grad.data) : new Float64Array(p.size),
      );
      model.zeroGrad();
      return grads;
    },
  };
}
