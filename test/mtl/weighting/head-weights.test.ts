import { describe, expect, it } from 'vitest';
import { HardSharing } from '../../../src/mtl/architectures.js';
import { fit } from '../../../src/mtl/trainer.js';
import { Sum } from '../../../src/mtl/weighting/index.js';
import type { GradientWeighting } from '../../../src/mtl/weighting/types.js';
import { Rng } from '../../../src/tensor/rng.js';
import { smokeData, smokeTasks } from '../../support/fit-smoke.js';

/** The heads' gradients of the first step under `weighting`. */
function headGrads(weighting: GradientWeighting): Record<string, number[]> {
  const model = HardSharing.build({ inputs: 2, hidden: [4], tasks: smokeTasks, rng: new Rng(1) });
  const seen: Record<string, number[]> = {};
  const optimizer = () => ({
    step: () => {
      for (const t of smokeTasks)
        seen[t.name] ??= model.taskParameters(t.name).flatMap((p) => Array.from(p.grad?.data ?? []));
    },
    zeroGrad: () => model.zeroGrad(),
  });
  fit(model, smokeData(), { tasks: smokeTasks, epochs: 1, batchSize: 64, weighting, optimizer });
  return seen;
}

describe('headWeights of a gradient method', () => {
  it("scale each head's own gradient; without them each head gets its task's gradient", () => {
    const plain = headGrads(new Sum());
    const sum = new Sum();
    const scaled: GradientWeighting = {
      ...sum,
      type: 'gradient',
      level: 'parameters',
      name: 'scaled',
      init: (i) => sum.init(i),
      reset: () => {},
      parameters: () => [],
      lastWeights: () => [1, 1],
      aggregate: (J, L, s) => ({ ...sum.aggregate(J, L, s), headWeights: Float64Array.of(2, 0) }),
    };
    const heads = headGrads(scaled);
    heads.a.forEach((g, i) => expect(g).toBeCloseTo(2 * plain.a[i], 6));
    expect(plain.b.some((g) => g !== 0)).toBe(true);
    for (const g of heads.b) expect(Math.abs(g)).toBe(0);
  });
});
