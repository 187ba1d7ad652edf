/** TAG task affinity (Fifty et al. 2021) on a toy computed by hand, and groupTasks against brute force. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import {
  groupTasks,
  HardSharing,
  NonFiniteLossError,
  type TaskSpec,
  taskAffinity,
} from '../../src/mtl/index.js';
import { Linear } from '../../src/nn/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { toyData, toyTasks } from './arch-helpers.js';

/**
 * ŷ_t = h_t·w·x with scalar w (shared) and h_t (heads), one row x = 1: L_t = (h_t w − y_t)².
 */
function scalarModel(w: number, h: Record<string, number>): HardSharing {
  const lin = (v: number) => {
    const l = new Linear(1, 1, { bias: false, dtype: 'float64' });
    l.weight.data[0] = v;
    return l;
  };
  const heads = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, lin(v)]));
  return new HardSharing({ trunk: lin(w), heads });
}
const regression = (names: string[]): TaskSpec[] => names.map((name) => ({ name, kind: 'regression' }));

/** The same toy in closed form: Z_{i→j} after a lookahead w − η·∂L_i/∂w, then the SGD step on L_a + L_b. */
function handSteps(w0: number, h0: number[], y: number[], lr: number, steps: number): number[][] {
  let w = w0;
  const h = [...h0];
  const Z = [
    [0, 0],
    [0, 0],
  ];
  for (let s = 0; s < steps; s++) {
    const loss = (wv: number, t: number) => (h[t] * wv - y[t]) ** 2;
    const dw = (t: number) => 2 * (h[t] * w - y[t]) * h[t];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) Z[i][j] += (1 - loss(w - lr * dw(i), j) / loss(w, j)) / steps;
    const dh = [0, 1].map((t) => 2 * (h[t] * w - y[t]) * w);
    w -= lr * (dw(0) + dw(1));
    h[0] -= lr * dh[0];
    h[1] -= lr * dh[1];
  }
  return Z;
}

describe('taskAffinity', () => {
  const data = { x: [[1]], y: { a: [3], b: [-1] } };

  it('one step: Z_{i→j} = 1 − L_j(θ⁺_i)/L_j(θ), computed by hand', () => {
    // w = 1, h = (1, 2), y = (3, −1): L = (4, 9). ∂L_a/∂w = −4 → w⁺ = 1.4: L = (2.56, 14.44).
    // ∂L_b/∂w = 12 → w⁺ = −0.2: L = (10.24, 0.36).
    const Z = taskAffinity(scalarModel(1, { a: 1, b: 2 }), data, { tasks: regression(['a', 'b']), lr: 0.1 });
    const want = [
      [1 - 2.56 / 4, 1 - 14.44 / 9],
      [1 - 10.24 / 4, 1 - 0.36 / 9],
    ];
    want.forEach((row, i) => row.forEach((v, j) => expect(Z[i][j]).toBeCloseTo(v, 10)));
  });

  it('averages over training steps, the model moving by SGD on the summed losses between them', () => {
    const Z = taskAffinity(scalarModel(1, { a: 1, b: 2 }), data, {
      tasks: regression(['a', 'b']),
      lr: 0.05,
      epochs: 3,
    });
    const want = handSteps(1, [1, 2], [3, -1], 0.05, 3);
    want.forEach((row, i) => row.forEach((v, j) => expect(Z[i][j]).toBeCloseTo(v, 10)));
  });

  it("a small lookahead step on a task's own loss lowers it: Z_{i→i} > 0", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const model = HardSharing.build({
          inputs: 3,
          hidden: [6],
          tasks: toyTasks,
          rng: new Rng(seed),
          dtype: 'float64',
        });
        const Z = taskAffinity(model, toyData(40, seed), { tasks: toyTasks, lr: 1e-3, batchSize: 20 });
        for (let i = 0; i < 3; i++) expect(Z[i][i]).toBeGreaterThan(0);
      }),
      { numRuns: 5 },
    );
  });

  it('is NaN where a task never has a label, and defined elsewhere', () => {
    const Z = taskAffinity(
      scalarModel(1, { a: 1, b: 2 }),
      { x: [[1]], y: { a: [3], b: [Number.NaN] } },
      {
        tasks: regression(['a', 'b']),
      },
    );
    expect(Z[0][1]).toBeNaN();
    expect(Z[1][0]).toBeNaN();
    expect(Number.isFinite(Z[0][0])).toBe(true);
  });

  it('rejects bad options and a diverging run with named errors', () => {
    const tasks = regression(['a', 'b']);
    const model = () => scalarModel(1, { a: 1, b: 2 });
    expect(() => taskAffinity(model(), data, { tasks, lr: 0 })).toThrow(
      /taskAffinity: lr must be a finite number > 0, got 0/,
    );
    expect(() => taskAffinity(model(), data, { tasks, epochs: 0 })).toThrow(ValueError);
    expect(() => taskAffinity(model(), data, { tasks, steps: 2 } as never)).toThrow(/steps/);
    expect(() => taskAffinity(model(), data, { tasks, lr: 10, epochs: 40 })).toThrow(NonFiniteLossError);
  });
});

/** An independent reference: every labelling of T tasks with k labels that uses all of them, scored directly. */
function bruteForce(Z: number[][], k: number): number {
  const T = Z.length;
  let best = Number.NEGATIVE_INFINITY;
  const labels = new Array<number>(T).fill(0);
  for (let code = 0; code < k ** T; code++) {
    let c = code;
    for (let t = 0; t < T; t++) {
      labels[t] = c % k;
      c = Math.floor(c / k);
    }
    if (new Set(labels).size !== k) continue;
    best = Math.max(best, score(Z, labels));
  }
  return best;
}

/** Σ_j mean over j's group mates i of Z[i][j] (0 for a task alone). */
function score(Z: number[][], labels: readonly number[]): number {
  let total = 0;
  labels.forEach((g, j) => {
    const mates = labels.map((h, i) => (h === g && i !== j ? i : -1)).filter((i) => i >= 0);
    if (mates.length > 0) total += mates.reduce((s, i) => s + Z[i][j], 0) / mates.length;
  });
  return total;
}

describe('groupTasks', () => {
  it('finds the best partition into k groups, as brute force does, on random matrices', () => {
    const matrix = fc.integer({ min: 1, max: 6 }).chain((T) =>
      fc.tuple(
        fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: T, maxLength: T }), {
          minLength: T,
          maxLength: T,
        }),
        fc.integer({ min: 1, max: T }),
      ),
    );
    fc.assert(
      fc.property(matrix, ([Z, k]) => {
        const { groups, score: s } = groupTasks(Z, k);
        expect(groups).toHaveLength(k);
        expect(groups.flat().sort((a, b) => a - b)).toEqual(Z.map((_, i) => i));
        const labels = new Array<number>(Z.length);
        groups.forEach((g, gi) => {
          for (const t of g) labels[t] = gi;
        });
        expect(score(Z, labels)).toBeCloseTo(s, 10);
        expect(s).toBeCloseTo(bruteForce(Z, k), 10);
      }),
      { numRuns: 200 },
    );
  });

  it('separates two obvious clusters', () => {
    const Z = [
      [1, 0.8, -0.5, -0.4],
      [0.7, 1, -0.3, -0.6],
      [-0.2, -0.5, 1, 0.9],
      [-0.4, -0.1, 0.6, 1],
    ];
    const { groups, score: s } = groupTasks(Z, 2);
    expect(groups).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(s).toBeCloseTo(0.7 + 0.8 + 0.6 + 0.9, 12);
    expect(groupTasks(Z, 4)).toEqual({ groups: [[0], [1], [2], [3]], score: 0 });
  });

  it('rejects too many tasks, non-square or non-finite matrices and a bad k with ValueErrors', () => {
    const eye = (n: number) =>
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
    expect(() => groupTasks(eye(11), 2)).toThrow(
      /groupTasks: 11 tasks; the exhaustive search handles at most 10/,
    );
    expect(() => groupTasks(eye(10), 3)).not.toThrow();
    expect(() => groupTasks([[1, 2]], 1)).toThrow(/affinity must be a non-empty square matrix/);
    expect(() =>
      groupTasks(
        [
          [0, Number.NaN],
          [0, 0],
        ],
        1,
      ),
    ).toThrow(/affinity\[0\]\[1\] is NaN/);
    expect(() => groupTasks(eye(3), 4)).toThrow(
      /k must be an integer in \[1, 3\] \(the number of tasks\), got 4/,
    );
  });
});
