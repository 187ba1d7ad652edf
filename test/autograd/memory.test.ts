/** A training-like loop must not grow the heap, and backward must release the graph. */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { noGrad, Rng, randn, type Tensor, tensor } from '../../src/index.js';

/**
 * A way to force a full GC: global.gc when node runs with --expose-gc, otherwise the same function
 * obtained by turning the flag on at run time (a documented V8 technique).
 */
function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    return null;
  }
}

const gc = getGc();
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** heapUsed after a forced GC (several passes), or as is when GC cannot be forced. */
async function heapUsed(): Promise<number> {
  await settle();
  if (gc !== null) for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function makeModel(seed: number) {
  const rng = new Rng(seed);
  const w1 = randn([4, 8], { rng, requiresGrad: true });
  const b1 = tensor(new Float32Array(8), { requiresGrad: true });
  const w2 = randn([8, 2], { rng, requiresGrad: true });
  const x = randn([16, 4], { rng });
  const y = randn([16, 2], { rng });
  return { params: [w1, b1, w2], x, y };
}

function step(m: ReturnType<typeof makeModel>, lr: number): Tensor {
  const [w1, b1, w2] = m.params;
  const h = m.x.matmul(w1).add(b1).tanh();
  const loss = h.matmul(w2).sub(m.y).square().mean();
  loss.backward();
  noGrad(() => {
    for (const p of m.params) {
      const g = p.grad!;
      for (let i = 0; i < p.size; i++) p.data[i] -= lr * g.data[i];
      p.zeroGrad();
    }
  });
  return loss;
}

describe('memory', () => {
  it('10,000 training steps do not grow the heap, and the loss goes down', async () => {
    const m = makeModel(1);
    const first = step(m, 0.01).item();
    for (let i = 0; i < 1000; i++) step(m, 0.01); // warm-up: JIT, pools, inline caches
    const before = await heapUsed();
    let last = Number.NaN;
    for (let i = 0; i < 10000; i++) {
      const loss = step(m, 0.01);
      if (i === 9999) {
        last = loss.item();
        // The graph of the last step was released by backward.
        expect(loss._node!.parents).toEqual([]);
        expect(loss._node!.backward).toBeNull();
      }
    }
    const after = await heapUsed();
    const growth = after - before;
    // Without a forced GC young-generation garbage blurs the numbers: allow more then.
    const bound = gc !== null ? 5 * 2 ** 20 : 40 * 2 ** 20;
    expect(growth).toBeLessThan(bound);
    expect(last).toBeLessThan(first);
    for (const p of m.params) expect(p.grad).toBeNull();
  });

  it.runIf(gc !== null)(
    'intermediate tensors become collectable after backward (but not before)',
    async () => {
      const m = makeModel(2);
      const [w1, , w2] = m.params;
      const build = () => {
        const h = m.x.matmul(w1).tanh();
        const loss = h.matmul(w2).sum();
        return { loss, ref: new WeakRef(h) };
      };
      // Control: without backward, the loss keeps its graph (and h) alive.
      const kept = build();
      await heapUsed();
      expect(kept.ref.deref()).toBeDefined();
      // With backward, the graph is released: h can be collected while the loss is still referenced.
      const released = build();
      released.loss.backward();
      await heapUsed();
      expect(released.ref.deref()).toBeUndefined();
      expect(released.loss.item()).toBeTypeOf('number');
      expect(kept.loss.item()).toBeTypeOf('number');
    },
  );
});
