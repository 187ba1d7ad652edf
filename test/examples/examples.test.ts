import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCustomOp, smoothRelu } from '../../examples/custom-op.js';
import { loadPytorch } from '../../examples/load-pytorch.js';
import { seedExample } from '../../examples/seed-example.js';
import { tensor } from '../../src/index.js';

const quiet = () => {};

describe('examples run', () => {
  it('the corrected seed example learns both tasks', () => {
    const { accuracies } = seedExample(300, quiet);
    expect(accuracies[0]).toBeGreaterThan(0.85);
    expect(accuracies[1]).toBeGreaterThan(0.85);
  });

  it('the custom op passes its gradcheck property and computes softplus', () => {
    expect(checkCustomOp(quiet)).toBe(true);
    const y = smoothRelu(tensor([-1, 0, 3], { dtype: 'float64' })).data;
    [-1, 0, 3].forEach((x, i) => expect(y[i]).toBeCloseTo(Math.log1p(Math.exp(2 * x)) / 2, 12));
  });

  it('the PyTorch state dict reproduces torch’s recorded output', () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../fixtures/torch_written.json', import.meta.url), 'utf8'),
    );
    const y = loadPytorch(quiet).flat();
    fixture.model.output.data.forEach((v: number, i: number) => expect(y[i]).toBeCloseTo(v, 6));
  });
});
