import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { ValueError } from '../../src/errors.js';
import { modelFromSafetensors } from '../../src/model/saved-model.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import { predict } from '../../src/mtl/evaluate.js';
import { saveOnnx } from '../../src/node/onnx.js';
import { Rng } from '../../src/tensor/rng.js';
import { tempDir } from '../cli/helpers.js';
import { runOnnx } from '../io/onnx/runtime.js';
import { handModelBytes } from '../model/fixture.js';

describe('saveOnnx', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('writes a model that ONNX Runtime runs with the outputs of predict', async () => {
    const model = HardSharing.build({
      inputs: 2,
      hidden: [3],
      tasks: [{ name: 'y', kind: 'regression' }],
      rng: new Rng(1),
    });
    await saveOnnx(join(dir, 'plain.onnx'), model);
    const got = await runOnnx(readFileSync(join(dir, 'plain.onnx')), Float32Array.of(0.5, -1), [1, 2]);
    expect(got.y.data[0]).toBeCloseTo(predict(model, tensor([[0.5, -1]])).y.data[0], 5);
  });

  it('writes a saved model with its preprocessing: raw columns in, hand-derived predictions out', async () => {
    const saved = modelFromSafetensors(handModelBytes());
    await saveOnnx(join(dir, 'hand.onnx'), saved);
    // Columns x, c=a, c=b. Row 1: x = 14, c = a → h = [2, 1]; row 2: x missing (imputed with 10), c = a → h = [0, 1].
    const got = await runOnnx(
      readFileSync(join(dir, 'hand.onnx')),
      Float32Array.of(14, 1, 0, Number.NaN, 1, 0),
      [2, 3],
    );
    const e = [Math.exp(2), Math.exp(1), 1];
    const s = e[0] + e[1] + e[2];
    e.forEach((v, k) => expect(got.k.data[k]).toBeCloseTo(v / s, 6));
    expect(got.y.data[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(got.y.data[1]).toBeCloseTo(0.5, 6);
    expect(got.v.data[0]).toBeCloseTo(125, 4);
    expect(got.v.data[1]).toBeCloseTo(105, 4);
    await expect(saveOnnx(join(dir, 'x.onnx'), saved, { output: 'logits' })).rejects.toThrow(ValueError);
  });
});
