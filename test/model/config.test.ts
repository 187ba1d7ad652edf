import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { FormatError } from '../../src/errors.js';
import {
  buildModel,
  checkWeightShapes,
  type ModelConfig,
  parameterCount,
  restoreModel,
} from '../../src/model/config.js';
import { ARCHITECTURE_NAMES, type ArchitectureName } from '../../src/mtl/arch-registry.js';

/** The fields parameterCount and buildModel read; the rest of a config is irrelevant to shapes. */
function config(
  inputs: number,
  hidden: number[],
  classes: number,
  arch: Partial<ModelConfig> = { architecture: 'hard-sharing' },
): ModelConfig {
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
    ...arch,
  } as unknown as ModelConfig;
}

/** Architecture fields with every option an architecture reads, drawn at random. */
const archFields = fc
  .record({
    architecture: fc.constantFrom(...ARCHITECTURE_NAMES),
    tower: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    experts: fc.integer({ min: 2, max: 5 }),
    taskExperts: fc.integer({ min: 0, max: 2 }),
    levels: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ architecture, tower, experts, taskExperts, levels, k }) => {
    const reads: Record<ArchitectureName, Partial<ModelConfig>> = {
      'hard-sharing': {},
      'cross-stitch': {},
      mmoe: { experts },
      'dselect-k': { experts, k },
      cgc: { experts, taskExperts },
      ple: { experts, taskExperts, levels },
    };
    return { architecture, tower, ...reads[architecture] } as Partial<ModelConfig>;
  });

describe('parameterCount', () => {
  it('equals the parameters of the network buildModel builds, for every architecture (from the real layers)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 2, max: 4 }),
        archFields,
        (inputs, hidden, classes, arch) => {
          const c = config(inputs, hidden, classes, arch);
          expect(parameterCount(c)).toBe(buildModel(c).numParameters());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('checkWeightShapes refuses metadata describing more parameters than the file holds, before building', () => {
    const small = config(2, [3], 2);
    const tensors = Object.fromEntries(
      Object.entries(buildModel(small).stateDict()).map(([k, t]) => [
        k,
        tensor(new Float32Array(t.size), { shape: t.shape }),
      ]),
    );
    expect(() => checkWeightShapes(small, tensors, 'm.safetensors')).not.toThrow();
    // Trunk 2·3e4 + 3e4 + 3e4² + 3e4, heads (3e4·2 + 2) + 2·(3e4 + 1): 900 240 004; the file: 9 + 8 + 4 + 4.
    const huge = config(2, [30000, 30000], 2);
    expect(() => checkWeightShapes(huge, tensors, 'm.safetensors')).toThrow(FormatError);
    expect(() => checkWeightShapes(huge, tensors, 'm.safetensors')).toThrow(
      /m\.safetensors: .*describes a hard-sharing network of 900240004 parameters \(hidden \[30000,30000\], 2 inputs\), but the file holds 25 values/,
    );
  });

  it('restoreModel names a tensor whose shape the metadata contradicts', () => {
    const c = config(2, [3], 2, { architecture: 'mmoe', experts: 2 });
    const tensors = { ...buildModel(c).stateDict() };
    tensors['gates.c.weight'] = tensor(new Float32Array(6), { shape: [3, 2] });
    expect(() => restoreModel(c, tensors, 'm.safetensors')).toThrow(
      /m\.safetensors: the weights do not match .*'gates\.c\.weight' has shape \[3, ?2\], expected \[2, ?2\]/,
    );
  });
});
