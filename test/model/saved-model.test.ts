import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { loadTable } from '../../src/data/load-table.js';
import { tableTasks, tableToData } from '../../src/data/multitask.js';
import { csvRows } from '../../src/data/row-source.js';
import { FormatError, ValueError } from '../../src/errors.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { modelFromSafetensors, predictRows, type SavedModel } from '../../src/model/saved-model.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import { predict } from '../../src/mtl/evaluate.js';
import { handConfig, handModelBytes, handWeights } from './fixture.js';

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const softmax = (zs: number[]) => {
  const e = zs.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('modelFromSafetensors + predictRows', () => {
  const model = modelFromSafetensors(handModelBytes());

  it('applies the saved preprocessing and decodes every task (values derived by hand)', () => {
    const { predictions, skipped } = predictRows(model, [
      { x: 14, c: 'a' }, // h = [2, 1]
      { x: 6, c: 'b' }, // h = [0, 0]
      { x: null, c: 'a' }, // x imputed with 10: h = [0, 1]
    ]);
    expect(skipped).toEqual([]);
    expect(predictions.map((p) => p.row)).toEqual([1, 2, 3]);
    const [a, b, c] = predictions.map((p) => p.tasks);
    const pa = softmax([2, 1, 0]);
    expect(a.k).toMatchObject({ label: 'p' });
    if (!('label' in a.k) || !('label' in a.y) || !('value' in a.v))
      throw new Error('wrong prediction kinds');
    expect(a.k.probability).toBeCloseTo(pa[0], 6);
    expect(a.k.probabilities.q).toBeCloseTo(pa[1], 6);
    expect(a.k.probabilities.r).toBeCloseTo(pa[2], 6);
    expect(a.y.label).toBe('yes');
    expect(a.y.probabilities.yes).toBeCloseTo(sig(2), 6);
    expect(a.y.probabilities.no).toBeCloseTo(1 - sig(2), 6);
    expect(a.v.value).toBeCloseTo(125, 4);
    // All logits equal: the first class wins the tie.
    expect(b.k).toMatchObject({ label: 'p' });
    expect(b.y).toMatchObject({ label: 'no' });
    if ('label' in b.y) expect(b.y.probability).toBeCloseTo(1 - sig(-1), 6);
    expect(b.v).toMatchObject({ value: expect.closeTo(105, 4) });
    expect(c.k).toMatchObject({ label: 'q' });
    expect(c.y).toMatchObject({ label: 'yes' }); // p = ½ counts as positive
  });

  it('reads CSV rows and skips rows it cannot encode, saying why and where', () => {
    const { predictions, skipped } = model.predictRows(csvRows('x,c\n14,a\nabc,a\n1,z\n'));
    expect(predictions).toHaveLength(1);
    expect(predictions[0]).toMatchObject({ row: 1, line: 2 });
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatchObject({
      row: 2,
      line: 3,
      reason: expect.stringMatching(/"abc".*"x".*not a number/),
    });
    expect(skipped[1]).toMatchObject({ row: 3, reason: expect.stringMatching(/"z".*not seen in training/) });
  });

  it('refuses rows without a feature column, naming it and the columns there are', () => {
    expect(() => predictRows(model, [{ x: 1, C2: 'a' }])).toThrow(ValueError);
    expect(() => predictRows(model, [{ x: 1, C2: 'a' }])).toThrow(/no column "c".*"x", "C2"/);
    expect(() => predictRows(model, 'x,c\n1,a' as never)).toThrow(/array of row objects or a RowSource/);
    expect(() => predictRows({} as SavedModel, [])).toThrow(/expected a SavedModel/);
  });

  it('names the file and the problem for bytes that are not an mtlgrad model', () => {
    expect(() => modelFromSafetensors(new Uint8Array(3), 'm.st')).toThrow(FormatError);
    expect(() => modelFromSafetensors(new Uint8Array(3), 'm.st')).toThrow(/^m\.st: not a valid model file/);
    const plain = encodeSafetensors(handWeights());
    expect(() => modelFromSafetensors(plain, 'm.st')).toThrow(/m\.st: not an mtlgrad model/);
    const { 'heads.v.bias': _, ...missing } = handWeights();
    const broken = encodeSafetensors(missing, {
      format: 'mtlgrad.model',
      'mtlgrad.model': JSON.stringify(handConfig()),
    });
    expect(() => modelFromSafetensors(broken, 'm.st')).toThrow(/missing keys: heads\.v\.bias/);
  });
});

describe('predict output modes', () => {
  const saved = modelFromSafetensors(handModelBytes());
  // Standardised inputs: h = [2, 1] and h = [0, 0] as above.
  const x = tensor([
    [2, 1, 0],
    [-2, 0, 1],
  ]);

  it('logits by default, then probabilities and labels from the task specs', () => {
    const logits = predict(saved.model, x);
    expect(Array.from(logits.k.data)).toEqual([2, 1, 0, 0, 0, 0]);
    const probs = predict(saved.model, x, { output: 'probabilities', tasks: saved.tasks });
    expect(probs.k.shape).toEqual([2, 3]);
    const expected = [...softmax([2, 1, 0]), 1 / 3, 1 / 3, 1 / 3];
    Array.from(probs.k.data).forEach((p, i) => expect(p).toBeCloseTo(expected[i], 6));
    expect(probs.y.data[0]).toBeCloseTo(sig(2), 6);
    expect(probs.y.data[1]).toBeCloseTo(sig(-1), 6);
    expect(Array.from(probs.v.data)).toEqual([5, 1]); // regression: the raw head output in every mode
    const labels = predict(saved.model, x, { output: 'labels', tasks: saved.tasks, batchSize: 1 });
    expect(labels.k.shape).toEqual([2]);
    expect(Array.from(labels.k.data)).toEqual([0, 0]);
    expect(Array.from(labels.y.data)).toEqual([1, 0]);
  });

  it('refuses an unknown output, missing or foreign task specs', () => {
    expect(() => predict(saved.model, x, { output: 'classes' as never, tasks: saved.tasks })).toThrow(
      /output must be logits, probabilities, labels/,
    );
    expect(() => predict(saved.model, x, { output: 'labels' })).toThrow(/needs the task specs/);
    expect(() =>
      predict(saved.model, x, {
        output: 'labels',
        tasks: [{ name: 'k', kind: 'classification', classes: 3 }],
      }),
    ).toThrow(/the model's tasks are k, y, v/);
    expect(() => predict(saved.model, x, { batch: 4 } as never)).toThrow(ValueError);
  });
});

describe('predict on a loaded table', () => {
  it('takes tableToData(table).x as it is (no cast) and gives a row per table row', () => {
    const table = loadTable('x,c,k\n1,2,a\n3,4,b\n5,6,a\n', {
      features: ['x', 'c'],
      tasks: [{ column: 'k', kind: 'binary', positive: 'a' }],
    });
    const data = tableToData(table);
    const model = HardSharing.build({ inputs: 2, hidden: [3], tasks: tableTasks(table) });
    const out = predict(model, data.x, { output: 'labels', tasks: tableTasks(table) });
    expect(out.k.shape).toEqual([3]);
    for (const v of out.k.data) expect([0, 1]).toContain(v);
  });
});
