/**
 * Autograd engine semantics: accumulation, detach, noGrad, output gradients, retainGrad/retainGraph,
 * long chains; and memory: a training-like loop must not grow the heap, backward releases the graph.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  enableGrad,
  isGradEnabled,
  noGrad,
  Rng,
  randn,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { f64 } from '../support/grad.js';

const values = (t: Tensor | null) => {
  if (t === null) throw new Error('expected a gradient, got null');
  return Array.from(t.data);
};

describe('gradient accumulation', () => {
  it('a tensor used twice in one op: d(x·x)/dx = 2x', () => {
    const x = f64([1, -2, 3], [3], true);
    x.mul(x).sum().backward();
    expect(values(x.grad)).toEqual([2, -4, 6]);
  });

  it('a tensor used in two branches: d(sin x + x³)/dx = cos x + 3x²', () => {
    const v = [0.3, -1.2, 2];
    const x = f64(v, [3], true);
    x.sin().add(x.pow(3)).sum().backward();
    values(x.grad).forEach((g, i) => {
      expect(g).toBeCloseTo(Math.cos(v[i]) + 3 * v[i] ** 2, 12);
    });
  });

  it('a diamond: y = 2x; z = y·y + y ⇒ dz/dx = 2·(2y + 1)', () => {
    const x = f64([1, 2], [2], true);
    const y = x.mul(2);
    y.mul(y).add(y).sum().backward();
    expect(values(x.grad)).toEqual([2 * (2 * 2 + 1), 2 * (2 * 4 + 1)]);
  });

  it('.grad accumulates across two backward calls; zeroGrad clears it', () => {
    const x = f64([1, 2], [2], true);
    x.square().sum().backward();
    expect(values(x.grad)).toEqual([2, 4]);
    x.square().sum().backward();
    expect(values(x.grad)).toEqual([4, 8]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([3, 3]);
  });

  it('accumulating into .grad does not write into the seed or into other tensors', () => {
    const x = f64([1, 2], [2], true);
    const seed = f64([1, 1], [2]);
    x.reshape([2]).backward(seed);
    x.reshape([2]).backward(seed);
    expect(values(x.grad)).toEqual([2, 2]);
    expect(Array.from(seed.data)).toEqual([1, 1]);
    // Two leaves fed by one add share no storage for their gradients.
    const a = f64([1], [1], true);
    const b = f64([1], [1], true);
    a.add(b).sum().backward();
    a.grad!.data[0] = 100;
    expect(b.grad!.data[0]).toBe(1);
  });
});

describe('detach, noGrad and requiresGrad propagation', () => {
  it('detach stops gradients', () => {
    const x = f64([1, 2], [2], true);
    const y = x.mul(x.detach()).sum(); // d/dx (x · const) = const = x
    y.backward();
    expect(values(x.grad)).toEqual([1, 2]);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.data).toBe(x.data);
  });

  it('noGrad records nothing and restores the mode', () => {
    const x = f64([1, 2], [2], true);
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2).exp().sum();
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y._node).toBeNull();
    expect(() => y.backward()).toThrow(AutogradError);
    // The mode is restored even when fn throws.
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('enableGrad re-enables recording inside noGrad', () => {
    const x = f64([1], [1], true);
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    expect(y.requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
  });

  it('requiresGrad propagates: any input requiring grad makes the output require it', () => {
    const a = f64([1], [1], true);
    const b = f64([2], [1]);
    expect(a.add(b).requiresGrad).toBe(true);
    expect(b.add(a).requiresGrad).toBe(true);
    expect(b.add(b).requiresGrad).toBe(false);
    expect(b.mul(3).exp().requiresGrad).toBe(false);
    expect(a.mul(3).exp().sum().requiresGrad).toBe(true);
    expect(a.add(b).isLeaf).toBe(false);
    expect(b.add(b).isLeaf).toBe(true);
    // A branch that does not require grad gets no gradient.
    a.mul(b).sum().backward();
    expect(b.grad).toBeNull();
    expect(values(a.grad)).toEqual([2]);
  });

  it('requireGrad() sets the flag and chains', () => {
    const x = f64([1, 2], [2]).requireGrad();
    expect(x.requiresGrad).toBe(true);
    expect(x.requireGrad(false).requiresGrad).toBe(false);
  });
});

describe('backward options', () => {
  it('an explicit seed: vector-Jacobian product', () => {
    const x = f64([1, 2, 3], [3], true);
    const y = x.square(); // J = diag(2x)
    y.backward(f64([1, 10, 100], [3]));
    expect(values(x.grad)).toEqual([2, 40, 600]);
  });

  it('an explicit seed on a one-element tensor scales the gradient', () => {
    const x = f64([3], [], true);
    x.square().backward(f64([0.5], []));
    expect(values(x.grad)).toEqual([3]);
  });

  it('retainGrad keeps .grad on a non-leaf; other non-leaves get none', () => {
    const x = f64([1, 2], [2], true);
    const h = x.mul(3).retainGrad();
    const k = h.exp();
    const y = k.sum();
    y.backward();
    expect(values(h.grad)).toEqual([Math.exp(3), Math.exp(6)]);
    expect(k.grad).toBeNull();
    expect(y.grad).toBeNull();
    expect(values(x.grad)).toEqual([3 * Math.exp(3), 3 * Math.exp(6)]);
  });

  it('retainGrad on the root holds the seed (a copy)', () => {
    const x = f64([1, 2], [2], true);
    const y = x.mul(2).retainGrad();
    const seed = f64([5, 7], [2]);
    y.backward(seed);
    expect(values(y.grad)).toEqual([5, 7]);
    expect(y.grad!.data).not.toBe(seed.data);
  });

  it('retainGraph allows a second backward; gradients add up', () => {
    const x = f64([1, 2], [2], true);
    const y = x.pow(3).sum();
    y.backward(undefined, { retainGraph: true });
    expect(values(x.grad)).toEqual([3, 12]);
    y.backward();
    expect(values(x.grad)).toEqual([6, 24]);
    // Now the graph is freed.
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/already freed/);
  });

  it('by default a second backward through a shared, freed subgraph errors clearly', () => {
    const x = f64([1, 2], [2], true);
    const h = x.exp();
    h.sum().backward();
    expect(() => h.mean().backward()).toThrow(/backward: the graph through 'exp' was already freed/);
  });

  it('a leaf root: backward on a parameter itself', () => {
    const x = f64([4], [], true);
    x.backward();
    expect(values(x.grad)).toEqual([1]);
  });
});

describe('graph release and long chains', () => {
  it('after backward the graph is released (parents empty, node freed)', () => {
    const x = f64([1, 2], [2], true);
    const h = x.mul(2);
    const y = h.sin().sum();
    expect(y._node!.parents.length).toBe(1);
    y.backward();
    expect(y._node!.parents).toEqual([]);
    expect(y._node!.freed).toBe(true);
    expect(h._node!.parents).toEqual([]);
    expect(h._node!.backward).toBeNull();
  });

  it('with retainGraph the graph is kept', () => {
    const x = f64([1, 2], [2], true);
    const y = x.mul(2).sum();
    y.backward(undefined, { retainGraph: true });
    expect(y._node!.parents.length).toBe(1);
    expect(y._node!.freed).toBe(false);
  });

  it('a chain of 10,000 multiplications backprops without stack overflow: d/dx (x·1.0001^n) = 1.0001^n', () => {
    const x = f64([1], [], true);
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = y.mul(1.0001);
    y.backward();
    const want = 1.0001 ** 10000;
    expect(Math.abs(x.grad!.data[0] - want) / want).toBeLessThan(1e-10);
    expect(Math.abs(y.item() - want) / want).toBeLessThan(1e-10);
  });

  it('a chain of 10,000 mixed ops (float32) gives the right gradient', () => {
    // Alternating +0.002 and (×1 − 0.001) steps: 15,000 ops whose total derivative is exactly 1.
    const x = tensor([0.5], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = i % 2 === 0 ? y.add(0.002) : y.mul(1).sub(0.001);
    y.sum().backward();
    expect(x.grad!.data[0]).toBe(1);
  });
});

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
