import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { FormatError } from '../../src/errors.js';
import { buildModel, checkWeightShapes, expectedShapes, type ModelConfig } from '../../src/model/config.js';

/** The fields expectedShapes and buildModel read; the rest of a config is irrelevant to shapes. */
function config(inputs: number, hidden: number[], classes: number): ModelConfig {
  return {
    featureNames: Array.from({ length: inputs }, (_, i) => `f${i}`),
    hidden,
    activation: 'relu',
    tasks: [
      {
        name: 'c',
        column: 'c',
        kind: 'classification',
        classes: Array.from({ length: classes }, (_, i) => `k${i}`),
      },
      { name: 'b', column: 'b', kind: 'binary', classes: ['no', 'yes'] },
      { name: 'r', column: 'r', kind: 'regression' },
    ],
  } as unknown as ModelConfig;
}

describe('expectedShapes', () => {
  it('equals the state dict of the network buildModel builds (independently: from the real layers)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 2, max: 5 }),
        (inputs, hidden, classes) => {
          const c = config(inputs, hidden, classes);
          const built = Object.entries(buildModel(c).stateDict()).map(([k, t]) => [k, t.shape]);
          expect([...expectedShapes(c)]).toEqual(built);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('checkWeightShapes names the first tensor whose shape the metadata contradicts', () => {
    const small = config(2, [3], 2);
    const tensors = Object.fromEntries(
      [...expectedShapes(small)].map(([k, s]) => [
        k,
        tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), { shape: s }),
      ]),
    );
    expect(() => checkWeightShapes(small, tensors, 'm.safetensors')).not.toThrow();
    const huge = config(2, [30000, 30000], 2);
    expect(() => checkWeightShapes(huge, tensors, 'm.safetensors')).toThrow(FormatError);
    expect(() => checkWeightShapes(huge, tensors, 'm.safetensors')).toThrow(
      /m\.safetensors: .*'trunk\.layers\.0\.weight' has shape \[3,2\], but the metadata \(hidden \[30000,30000\]/,
    );
  });
});
