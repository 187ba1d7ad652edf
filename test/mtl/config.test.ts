import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { ValueError } from '../../src/errors.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import { evaluate, predict } from '../../src/mtl/evaluate.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { type FitOptions, fit } from '../../src/mtl/trainer.js';
import { Rng } from '../../src/tensor/rng.js';

const tasks: TaskSpec[] = [{ name: 'y', kind: 'regression' }];
const data = { x: tensor([[1], [2], [3], [4]]), y: { y: [1, 2, 3, 4] } };
const model = () => HardSharing.build({ inputs: 1, hidden: [4], tasks, rng: new Rng(1) });
const attempt = (options: Partial<FitOptions> & Record<string, unknown>) => () =>
  fit(model(), data, { tasks, epochs: 1, ...options } as FitOptions);

describe('fit options', () => {
  it('rejects unknown keys with a did-you-mean, also inside earlyStopping and reporter', () => {
    expect(attempt({ weightdecay: 10 })).toThrow(
      /unknown option 'weightdecay' \(did you mean 'weightDecay'\?\)/,
    );
    expect(attempt({ validation: data, earlyStopping: { patiense: 2 } as never })).toThrow(
      /earlyStopping: unknown option 'patiense' \(did you mean 'patience'\?\)/,
    );
    expect(attempt({ reporter: { epochs: () => {} } as never })).toThrow(/reporter: unknown option 'epochs'/);
  });

  it('names the option of a bad value', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ batchSize: 1.5 }, /batchSize must be a positive integer, got 1.5/],
      [{ batchSize: 0 }, /batchSize must be a positive integer, got 0/],
      [{ epochs: -1 }, /epochs must be a positive integer/],
      [{ lr: Number.NaN }, /lr must be a finite number ≥ 0/],
      [{ maxGradNorm: -1 }, /maxGradNorm must be a finite number ≥ 0/],
      [{ nonFinite: 'ignore' }, /nonFinite must be 'error', 'skip'/],
      [{ recordConflict: 'yes' }, /recordConflict must be true or false/],
      [
        { validation: data, earlyStopping: { patience: -1 } },
        /earlyStopping.patience must be an integer ≥ 0, got -1/,
      ],
      [{ validation: data, earlyStopping: { monitor: 'z.accuracy' } }, /cannot monitor 'z.accuracy'/],
      [{ validation: data, earlyStopping: { monitor: 'y.accuracy' } }, /cannot monitor 'y.accuracy'/],
      [{ earlyStopping: true }, /earlyStopping needs validation data/],
      [{ onEpoch: 3 }, /onEpoch must be a function/],
    ];
    for (const [options, message] of cases) {
      expect(attempt(options), JSON.stringify(options)).toThrow(ValueError);
      expect(attempt(options)).toThrow(message);
    }
  });

  it("rejects Object.prototype's names as task names (one head would be lost)", () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const spec: TaskSpec[] = [{ name, kind: 'regression' }];
      expect(() => HardSharing.build({ inputs: 1, hidden: [2], tasks: spec }), name).toThrow(/reserved/);
    }
  });

  it("rejects a loss that does not apply to the task's kind", () => {
    const spec: TaskSpec[] = [{ name: 'c', kind: 'classification', classes: 2, loss: 'mse' }];
    expect(() => HardSharing.build({ inputs: 1, hidden: [2], tasks: spec })).toThrow(
      /loss 'mse' does not apply/,
    );
  });
});

describe('evaluate and predict options', () => {
  it('reject batch sizes that would loop forever and unknown keys', () => {
    const m = model();
    for (const batchSize of [0, -5, 1.5, Number.NaN]) {
      expect(() => evaluate(m, data, { tasks, batchSize }), String(batchSize)).toThrow(
        /evaluate: batchSize must be a positive integer/,
      );
      expect(() => predict(m, data.x, batchSize), String(batchSize)).toThrow(
        /predict: batchSize must be a positive integer/,
      );
    }
    expect(() => evaluate(m, data, { tasks, batchsize: 4 } as never)).toThrow(/did you mean 'batchSize'/);
    expect(evaluate(m, data, { tasks, batchSize: 3 }).y.count).toBe(4);
  });
});
