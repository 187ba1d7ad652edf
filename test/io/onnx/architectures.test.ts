/**
 * Cross-stitch and DSelect-k in ONNX Runtime: one export per model, run at several batch sizes (the batch dimension
 * is symbolic), with predict's outputs to 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../../src/autograd/create.js';
import type { Tensor } from '../../../src/autograd/tensor.js';
import { ValueError } from '../../../src/errors.js';
import { toOnnx } from '../../../src/io/onnx/index.js';
import { MMoE, type MultiTaskModel } from '../../../src/mtl/architectures.js';
import { CrossStitch, CrossStitchUnit } from '../../../src/mtl/cross-stitch.js';
import { DSelectK, DSelectKGate } from '../../../src/mtl/dselect-k.js';
import { Linear } from '../../../src/nn/linear.js';
import { Module } from '../../../src/nn/module.js';
import { Rng } from '../../../src/tensor/rng.js';
import {
  BUILD_ACTIVATIONS,
  type BuildActivation,
  clippedShare,
  crossStitchWith,
  dselectWith,
  scrambleAlpha,
  spreadSelectors,
  TASKS2,
  TASKS3,
} from '../export-models.js';
import { expectSameOutputs } from './runtime.js';

const INPUTS = 5;
const BATCHES = [1, 4, 9];

/** One export, checked against predict at every batch size. */
async function expectRuns(model: MultiTaskModel, rng: Rng): Promise<void> {
  const bytes = toOnnx(model);
  for (const n of BATCHES) await expectSameOutputs(model, x(n, rng), bytes);
}

const x = (n: number, rng: Rng): Tensor => randn([n, INPUTS], { rng }).mul(tensor(2));

const CROSS_STITCH: Record<string, (a: BuildActivation, rng: Rng) => CrossStitch> = {
  'one layer, 2 tasks, linear heads': (activation, rng) =>
    CrossStitch.build({ inputs: INPUTS, hidden: [6], tasks: TASKS2, activation, rng }),
  '3 layers, 3 tasks, towers, dropout': (activation, rng) =>
    CrossStitch.build({
      inputs: INPUTS,
      hidden: [7, 6, 5],
      tasks: TASKS3,
      towerHidden: [4],
      dropout: 0.3,
      activation,
      rng,
    }),
  'one task': (activation, rng) =>
    CrossStitch.build({ inputs: INPUTS, hidden: [4, 3], tasks: TASKS3.slice(2), activation, rng }),
};

const DSELECT_K: Record<string, (a: BuildActivation, rng: Rng) => DSelectK> = {
  'E = 4, k = 2, 3 tasks': (activation, rng) =>
    DSelectK.build({ inputs: INPUTS, hidden: [6], experts: 4, k: 2, tasks: TASKS3, activation, rng }),
  'E = 3 (not a power of two), k = 1, 2 tasks': (activation, rng) =>
    DSelectK.build({ inputs: INPUTS, hidden: [6], experts: 3, k: 1, tasks: TASKS2, activation, rng }),
  'E = 5, k = 3, towers, γ = 0.5, entropy term': (activation, rng) =>
    DSelectK.build({
      inputs: INPUTS,
      hidden: [5, 4],
      experts: 5,
      k: 3,
      gamma: 0.5,
      entropyReg: 0.1,
      towerHidden: [3],
      tasks: TASKS3,
      activation,
      rng,
    }),
  'E = 2, k = 2': (activation, rng) =>
    DSelectK.build({ inputs: INPUTS, hidden: [4], experts: 2, k: 2, tasks: TASKS2, activation, rng }),
  'E = 8, k = 1': (activation, rng) =>
    DSelectK.build({ inputs: INPUTS, hidden: [4], experts: 8, k: 1, tasks: TASKS2, activation, rng }),
};

describe('toOnnx: CrossStitch', () => {
  for (const [name, make] of Object.entries(CROSS_STITCH)) {
    it.each(BUILD_ACTIVATIONS)(`${name}, %s`, async (activation) => {
      const rng = new Rng(21);
      await expectRuns(scrambleAlpha(make(activation, rng), rng), rng);
    });
  }

  it.each(['geluTanh', 'identity'] as const)('columns built with %s', async (activation) => {
    const rng = new Rng(4);
    await expectRuns(crossStitchWith(activation, [INPUTS, 6, 4], ['a', 'b'], rng), rng);
  });

  it('the initial α (0.9 on the diagonal) and a float64 model', async () => {
    const rng = new Rng(8);
    await expectRuns(CrossStitch.build({ inputs: INPUTS, hidden: [5, 5], tasks: TASKS3, rng }), rng);
    const wide = CrossStitch.build({ inputs: INPUTS, hidden: [4], tasks: TASKS2, rng, dtype: 'float64' });
    await expectSameOutputs(scrambleAlpha(wide, rng), randn([3, INPUTS], { rng, dtype: 'float64' }));
  });

  it('names each unit’s α after its state-dict key', () => {
    const model = CrossStitch.build({ inputs: INPUTS, hidden: [3, 3], tasks: TASKS2, rng: new Rng(1) });
    const text = new TextDecoder().decode(toOnnx(model));
    for (const key of Object.keys(model.stateDict())) expect(text, key).toContain(key);
  });
});

describe('toOnnx: DSelectK', () => {
  for (const [name, make] of Object.entries(DSELECT_K)) {
    it.each(BUILD_ACTIVATIONS)(`${name}, %s`, async (activation) => {
      const rng = new Rng(33);
      const model = spreadSelectors(make(activation, rng), rng);
      // The smooth step is clipped for some logits and not others, so both of its pieces are exercised.
      const share = clippedShare(model, x(64, new Rng(1)));
      expect(share).toBeGreaterThan(0.1);
      expect(share).toBeLessThan(0.9);
      await expectRuns(model, rng);
    });
  }

  it.each(['geluTanh', 'identity'] as const)('experts built with %s, γ = 2', async (activation) => {
    const rng = new Rng(6);
    const model = dselectWith(
      activation,
      { inputs: INPUTS, experts: 6, k: 2, gamma: 2, tasks: ['a', 'b'] },
      rng,
    );
    await expectRuns(model, rng);
  });

  it('the initial gates (every bit near ½) and a float64 model', async () => {
    const rng = new Rng(9);
    await expectRuns(
      DSelectK.build({ inputs: INPUTS, hidden: [4], experts: 3, k: 2, tasks: TASKS3, rng }),
      rng,
    );
    const wide = DSelectK.build({
      inputs: INPUTS,
      hidden: [4],
      experts: 4,
      k: 2,
      tasks: TASKS2,
      rng,
      dtype: 'float64',
    });
    await expectSameOutputs(spreadSelectors(wide, rng), randn([3, INPUTS], { rng, dtype: 'float64' }));
  });

  it('a model in training mode exports its inference graph (the entropy term is training-only)', async () => {
    const rng = new Rng(10);
    const model = DSelectK.build({
      inputs: INPUTS,
      hidden: [4],
      experts: 3,
      k: 2,
      entropyReg: 1,
      tasks: TASKS2,
      rng,
    });
    model.train();
    await expectRuns(spreadSelectors(model, rng), rng);
    expect(model.training).toBe(true);
  });
});

describe('toOnnx refuses what still has no ONNX form', () => {
  const rng = new Rng(2);

  it('a cross-stitch network with a custom activation', () => {
    const model = new CrossStitch({
      columns: { a: [new Linear(3, 4, { rng })], b: [new Linear(3, 4, { rng })] },
      units: [new CrossStitchUnit(2)],
      towers: { a: new Linear(4, 1, { rng }), b: new Linear(4, 1, { rng }) },
      activation: ((t: Tensor) => t.mul(tensor(3))) as never,
    });
    expect(() => toOnnx(model)).toThrow(ValueError);
    expect(() => toOnnx(model)).toThrow(/toOnnx: the CrossStitch columns use an activation outside relu/);
  });

  it('a cross-stitch tower that is not one of our layers, naming it', () => {
    class Doubler extends Module<Tensor, Tensor> {
      forward(t: Tensor): Tensor {
        return t.mul(tensor(2));
      }
    }
    const model = new CrossStitch({
      columns: { a: [new Linear(3, 4, { rng })], b: [new Linear(3, 4, { rng })] },
      units: [new CrossStitchUnit(2)],
      towers: { a: new Linear(4, 1, { rng }), b: new Doubler() },
    });
    expect(() => toOnnx(model)).toThrow(/toOnnx: towers\.b: Doubler has no ONNX form/);
  });

  it('a DSelect-k gate inside a plain MMoE (whose gates must be softmax gates)', () => {
    const model = new MMoE({
      experts: [new Linear(3, 4, { rng }), new Linear(3, 4, { rng })],
      gates: { a: new DSelectKGate(3, 2, 1, { rng }) },
      heads: { a: new Linear(4, 1, { rng }) },
    });
    expect(() => toOnnx(model)).toThrow(/toOnnx: gates\.a: DSelectKGate has no ONNX form/);
  });
});
