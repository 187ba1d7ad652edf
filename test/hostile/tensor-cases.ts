/** Hostile inputs to tensors, autograd and gradcheck. */
import { ones, tensor, zeros } from '../../src/autograd/create.js';
import { grad } from '../../src/autograd/functional.js';
import { matmul, sum, where } from '../../src/autograd/ops/index.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { Linear } from '../../src/nn/linear.js';
import { gradcheck } from '../../src/testing/gradcheck.js';
import type { HostileCase } from './classify.js';

const t64 = () => tensor([1, 2, 3], { dtype: 'float64' });
const square = (x: Tensor) => sum(x.mul(x));

export const tensorCases: HostileCase[] = [
  // Sizes beyond what a typed array can hold: a named error with the size, not a RangeError.
  { id: 'tensor: zeros([1e6, 1e6])', run: () => zeros([1e6, 1e6]), message: /1000000000000|1e\+?12/ },
  { id: 'nn: new Linear(1e6, 1e6)', run: () => new Linear(1e6, 1e6), message: /1000000000000|1e\+?12/ },
  { id: 'tensor: ones([2 ** 40])', run: () => ones([2 ** 40]), message: /1099511627776/ },
  // Shapes
  { id: 'tensor: new Tensor(data, [-2, -1])', run: () => new Tensor(new Float32Array(2), [-2, -1]) },
  { id: 'tensor: new Tensor(data, [0.5, 4])', run: () => new Tensor(new Float32Array(2), [0.5, 4]) },
  { id: 'tensor: new Tensor(data, [NaN])', run: () => new Tensor(new Float32Array(0), [Number.NaN]) },
  {
    id: "tensor: zeros(['2']) says the element is a string",
    run: () => zeros(['2'] as unknown as number[]),
    message: /string/,
  },
  { id: 'tensor: zeros([-1])', run: () => zeros([-1]) },
  { id: 'tensor: ragged nested array', run: () => tensor([[1, 2], [3]]) },
  { id: "tensor: tensor([1, 'a'])", run: () => tensor([1, 'a'] as unknown as number[]) },
  { id: 'tensor: matmul [2,3] @ [4,5]', run: () => matmul(zeros([2, 3]), zeros([4, 5])) },
  // Ops given values of the wrong type
  {
    id: "autograd: where(c, 'a', 1)",
    run: () => where(tensor([1]), 'a' as unknown as number, 1),
    message: /string|number/,
  },
  {
    id: "autograd: t.clamp('a')",
    run: () => tensor([1, 5]).clamp('a' as unknown as number),
    message: /'a'|string/,
  },
  { id: 'autograd: t.clamp(0, {})', run: () => tensor([1, 5]).clamp(0, {} as unknown as number) },
  {
    id: 'autograd: grad(f)(new Map())',
    run: () => grad((_p: unknown) => tensor(1))(new Map() as unknown as Tensor),
    message: /Map/,
  },
  {
    id: 'autograd: grad(f)(new Date())',
    run: () => grad((_p: unknown) => tensor(1))(new Date() as unknown as Tensor),
    message: /Date/,
  },
  // gradcheck
  {
    id: 'testing: gradcheck checkInputs [3] of 1 input',
    run: () => gradcheck(square, [t64()], { checkInputs: [3] }),
    message: /3/,
  },
  {
    id: 'testing: gradcheck checkInputs [0.5]',
    run: () => gradcheck(square, [t64()], { checkInputs: [0.5] }),
    message: /0\.5/,
  },
  {
    id: 'testing: gradcheck unknown option epsilon',
    run: () => gradcheck(square, [t64()], { epsilon: 1e-3 } as never),
    message: /did you mean 'eps'/,
  },
  {
    id: 'testing: gradcheck of a correct function passes',
    run: () => gradcheck(square, [t64()]),
    ok: (r) => (r as { pass: boolean }).pass === true,
  },
];
