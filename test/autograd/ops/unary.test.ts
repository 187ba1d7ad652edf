/** Gradients of the unary elementwise ops vs central finite differences (gradcheck, float64). */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  abs,
  clamp,
  cos,
  exp,
  log,
  neg,
  pow,
  relu,
  sigmoid,
  sin,
  sqrt,
  square,
  type Tensor,
  tanh,
} from '../../../src/index.js';
import { type TensorConstraints, tensorArbitraries } from '../../../src/testing/index.js';
import { expectGradOk, RUNS } from '../../support/grad.js';

const arb = tensorArbitraries(fc);

interface Case {
  name: string;
  fn: (x: Tensor) => Tensor;
  c?: TensorConstraints;
}

const positive: TensorConstraints = { min: 0.1, max: 3 };

const cases: Case[] = [
  { name: 'neg', fn: (x) => x.neg() },
  { name: 'neg (function form)', fn: (x) => neg(x) },
  { name: 'exp', fn: (x) => x.exp() },
  { name: 'exp (function form)', fn: (x) => exp(x) },
  { name: 'log on positive inputs', fn: (x) => x.log(), c: positive },
  { name: 'log (function form)', fn: (x) => log(x), c: positive },
  { name: 'sqrt on positive inputs', fn: (x) => x.sqrt(), c: positive },
  { name: 'sqrt (function form)', fn: (x) => sqrt(x), c: positive },
  { name: 'abs away from 0', fn: (x) => x.abs(), c: { avoid: [0] } },
  { name: 'abs (function form)', fn: (x) => abs(x), c: { avoid: [0] } },
  { name: 'relu away from 0', fn: (x) => x.relu(), c: { avoid: [0] } },
  { name: 'relu (function form)', fn: (x) => relu(x), c: { avoid: [0] } },
  { name: 'sin', fn: (x) => x.sin(), c: { min: -4, max: 4 } },
  { name: 'sin (function form)', fn: (x) => sin(x) },
  { name: 'cos', fn: (x) => x.cos(), c: { min: -4, max: 4 } },
  { name: 'cos (function form)', fn: (x) => cos(x) },
  { name: 'tanh', fn: (x) => x.tanh(), c: { min: -3, max: 3 } },
  { name: 'tanh (function form)', fn: (x) => tanh(x) },
  { name: 'sigmoid', fn: (x) => x.sigmoid(), c: { min: -6, max: 6 } },
  { name: 'sigmoid (function form)', fn: (x) => sigmoid(x) },
  { name: 'square', fn: (x) => x.square() },
  { name: 'square (function form)', fn: (x) => square(x) },
  { name: 'pow 2', fn: (x) => x.pow(2) },
  { name: 'pow 3', fn: (x) => x.pow(3) },
  { name: 'pow 1', fn: (x) => x.pow(1) },
  { name: 'pow 0 (zero gradient)', fn: (x) => x.pow(0) },
  { name: 'pow 0.5 on positive inputs', fn: (x) => x.pow(0.5), c: positive },
  { name: 'pow 1.5 on positive inputs', fn: (x) => x.pow(1.5), c: positive },
  { name: 'pow -1 on positive inputs', fn: (x) => x.pow(-1), c: { min: 0.2, max: 3 } },
  { name: 'pow -1 on negative inputs', fn: (x) => x.pow(-1), c: { min: -3, max: -0.2 } },
  { name: 'pow -2 (function form)', fn: (x) => pow(x, -2), c: { min: 0.3, max: 3 } },
  { name: 'clamp(-0.5, 1) away from the bounds', fn: (x) => x.clamp(-0.5, 1), c: { avoid: [-0.5, 1] } },
  { name: 'clamp(min only)', fn: (x) => x.clamp(0.3), c: { avoid: [0.3] } },
  { name: 'clamp(max only)', fn: (x) => x.clamp(undefined, -0.2), c: { avoid: [-0.2] } },
  { name: 'clamp (function form)', fn: (x) => clamp(x, -1, 0.5), c: { avoid: [-1, 0.5] } },
  // Compositions: the chain rule through several unary ops.
  { name: 'tanh(exp(x)) * sin(x)', fn: (x) => x.exp().tanh().mul(x.sin()), c: { min: -2, max: 1 } },
];

describe('unary op gradients (gradcheck, float64)', () => {
  for (const { name, fn, c } of cases) {
    it(name, () => {
      fc.assert(
        fc.property(arb.tensor({ ...c, dtype: 'float64' }), (x) => expectGradOk(fn, [x])),
        { numRuns: RUNS },
      );
    });
  }
});
