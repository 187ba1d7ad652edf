/** Tensor's chained methods, attached from methods.ts: present, non-enumerable, and the same as the ops. */
import { describe, expect, it } from 'vitest';
import * as mtl from '../../src/index.js';
import { Tensor, tensor } from '../../src/index.js';

/** Methods that are a plain call of the op of the same name with `this` first. */
const SAME_AS_OP = [
  'add',
  'sub',
  'mul',
  'div',
  'maximum',
  'minimum',
  'neg',
  'exp',
  'log',
  'sqrt',
  'abs',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'square',
  'sum',
  'mean',
  'max',
  'min',
  'argmax',
  'argmin',
  'logSumExp',
  'softmax',
  'logSoftmax',
  'matmul',
  'reshape',
  'transpose',
  'permute',
  'squeeze',
  'unsqueeze',
] as const;

describe('Tensor methods', () => {
  it('sit on the prototype, not enumerable, like methods of a class body', () => {
    const x = tensor([1, 2]);
    for (const name of [...SAME_AS_OP, 'backward', 'to', 'pow', 'clamp', 'flatten', 'slice', 'gather']) {
      const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name);
      expect(typeof d?.value, name).toBe('function');
      expect(d?.enumerable, name).toBe(false);
    }
    expect(Object.keys(x).sort()).toEqual([
      '_node',
      '_retainGrad',
      'data',
      'dtype',
      'grad',
      'requiresGrad',
      'shape',
    ]);
  });

  it('call the op of the same name', () => {
    const a = tensor([[0.5, -1, 2]]);
    const b = tensor([[3], [1], [-2]]);
    const ops = mtl as unknown as Record<string, (...args: unknown[]) => Tensor>;
    const args: Record<string, unknown[]> = {
      add: [a],
      sub: [a],
      mul: [a],
      div: [a],
      maximum: [a],
      minimum: [a],
      matmul: [b],
      reshape: [[3, 1]],
      transpose: [],
      permute: [[1, 0]],
      squeeze: [0],
      unsqueeze: [0],
    };
    for (const name of SAME_AS_OP) {
      const rest = args[name] ?? [];
      const x = name === 'log' || name === 'sqrt' ? a.abs() : a;
      const viaMethod = (x as unknown as Record<string, (...r: unknown[]) => Tensor>)[name](...rest);
      expect(Array.from(viaMethod.data), name).toEqual(Array.from(ops[name](x, ...rest).data));
    }
  });

  it('T swaps the last two axes; flatten and to', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.T.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(x.flatten().shape).toEqual([6]);
    expect(x.to('float64').dtype).toBe('float64');
  });
});
