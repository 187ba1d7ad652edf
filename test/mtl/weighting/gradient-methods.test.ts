import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/autograd/create.js';
import { HardSharing } from '../../../src/mtl/architectures.js';
import type { TaskSpec } from '../../../src/mtl/tasks.js';
import { fit } from '../../../src/mtl/trainer.js';
import { NashMTL } from '../../../src/mtl/weighting/index.js';
import { Rng } from '../../../src/tensor/rng.js';

describe('NashMTL weighting', () => {
  it("defaults fit's maxGradNorm to 1, the official clip of the shared gradient; 0 turns it off", () => {
    const tasks: TaskSpec[] = [
      { name: 'a', kind: 'regression' },
      { name: 'b', kind: 'regression' },
    ];
    const rng = new Rng(3);
    const x = Array.from({ length: 32 }, () => [rng.normal(), rng.normal()]);
    const data = { x: tensor(x), y: { a: x.map((r) => 5 * r[0]), b: x.map((r) => -3 * r[1]) } };
    const norms = (maxGradNorm?: number) => {
      const model = HardSharing.build({ inputs: 2, hidden: [8], tasks, rng: new Rng(1) });
      const shared = model.sharedParameters();
      const seen: number[] = [];
      const optimizer = () => ({
        step: () => {
          let sq = 0;
          for (const p of shared) for (const g of p.grad?.data ?? []) sq += g * g;
          seen.push(Math.sqrt(sq));
        },
        zeroGrad: () => model.zeroGrad(),
      });
      fit(model, data, { tasks, epochs: 2, batchSize: 8, weighting: new NashMTL(), optimizer, maxGradNorm });
      return seen;
    };
    // α_t ≈ 1/‖g_t‖, so the unclipped direction has norm about √T > 1.
    expect(Math.max(...norms(0))).toBeGreaterThan(1.05);
    for (const n of norms()) expect(n).toBeLessThanOrEqual(1 + 1e-6);
    expect(new NashMTL({ maxNorm: 0.5 }).maxGradNorm).toBe(0.5);
  });
});
