/**
 * The activation of a CrossStitch network's columns, for writing the network in another format. The network keeps
 * only the resolved function, so the name is found by rebuilding the columns with every candidate activation and
 * keeping the one that reproduces `encode` on a random batch; none close enough is an error, never a guess.
 */

import { randn } from '../autograd/create.js';
import { noGrad } from '../autograd/grad-mode.js';
import { stack } from '../autograd/ops/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import type { CrossStitch } from '../mtl/cross-stitch.js';
import { ACTIVATION_NAMES, type ActivationName, activation } from '../nn/activations.js';
import { linear } from '../nn/linear.js';
import { Rng } from '../tensor/rng.js';

const PROBE_ROWS = 16;

/** The columns of `model` with `act` after every layer (eval mode: no dropout), stacked [N, T, H]. */
function rebuiltColumns(model: CrossStitch, x: Tensor, act: ActivationName): Tensor {
  const f = activation(act);
  let inputs = model.taskNames.map(() => x);
  let mixed = x;
  [...model.units].forEach((unit, l) => {
    const outs = model.taskNames.map((t, k) => {
      const layer = model.columns.modules[t].at(l);
      return f.forward(linear(inputs[k], layer.weight, layer.bias)) as Tensor;
    });
    mixed = unit.forward(stack(outs, 1));
    inputs = model.taskNames.map((_, k) => mixed.slice([null, [k, k + 1]]).reshape([x.shape[0], -1]));
  });
  return mixed;
}

/** The largest |a − b| relative to the largest |a| (a spec that differs by more than 1e-5 is refused). */
export function relativeDifference(a: Tensor, b: Tensor): number {
  let diff = 0;
  let scale = 1e-30;
  for (let i = 0; i < a.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(a.data[i]));
  }
  return diff / scale;
}

/**
 * The activation name that reproduces `model`'s columns (the closest candidate, within 1e-5 relative).
 *
 * @throws ValueError when no activation of ours does (a custom function or Module); `where` starts the message.
 */
export function crossStitchActivation(model: CrossStitch, where: string): ActivationName {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const first = model.columns.modules[model.taskNames[0]].at(0);
      const x = randn([PROBE_ROWS, first.inFeatures], { rng: new Rng(12345), dtype: first.weight.dtype });
      const y = model.encode(x);
      let best: { name: ActivationName; diff: number } | null = null;
      for (const name of ACTIVATION_NAMES) {
        const diff = relativeDifference(y, rebuiltColumns(model, x, name));
        if (best === null || diff < best.diff) best = { name, diff };
      }
      if (best !== null && best.diff <= 1e-5) return best.name;
      throw new ValueError(
        `${where}: the CrossStitch columns use an activation outside ${ACTIVATION_NAMES.join(', ')} (a custom one); they cannot be written out`,
      );
    });
  } finally {
    model.train(wasTraining);
  }
}
