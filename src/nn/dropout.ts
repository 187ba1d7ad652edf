/**
 * Inverted dropout: in training mode each element is zeroed with probability p and the survivors are
 * scaled by 1/(1 − p), so evaluation needs no rescaling. p = 0, or training off, is the identity (the
 * input tensor itself is returned). The keep mask is one byte per element, shared by forward and backward.
 */
import { defineOp, expectTensor } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { allocate } from '../tensor/dtype.js';
import { defaultRng, type Rng } from '../tensor/rng.js';
import { Module } from './module.js';

/** Options of the {@link dropout} function. */
export interface DropoutOptions {
  /** Apply dropout (default true for the function; a Dropout module follows its training flag). */
  training?: boolean;
  /** The generator for the mask (default: the global one, at call time). */
  rng?: Rng;
}

function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ValueError(`${op}: p must be a probability in [0, 1), got ${String(p)}`);
  }
}

/** Zeroes each element with probability p and scales the rest by 1/(1 − p). */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  expectTensor('dropout', x);
  checkP('dropout', p);
  if (options.training === false || p === 0) return x;
  const rng = options.rng ?? defaultRng();
  const n = x.size;
  const xs = x.data;
  const keep = new Uint8Array(n);
  const y = allocate(x.dtype, n);
  const scale = 1 / (1 - p);
  // Drop when a uniform 32-bit integer falls below p·2³²: one generator call per element.
  const threshold = p * 4294967296;
  for (let i = 0; i < n; i++) {
    if (rng.nextUint32() >= threshold) {
      keep[i] = 1;
      y[i] = xs[i] * scale;
    }
  }
  return defineOp('dropout', y, x.shape, [x], (g) => {
    const gd = g.data;
    const dx = allocate(x.dtype, n);
    for (let i = 0; i < n; i++) if (keep[i] === 1) dx[i] = gd[i] * scale;
    return [new Tensor(dx, x.shape)];
  });
}

/** Options of the {@link Dropout} module. */
export interface DropoutModuleOptions {
  /** The generator for the masks (default: the global one, read at each forward). */
  rng?: Rng;
}

/** Dropout layer: active in training mode only (see Module.train/eval). No parameters. */
export class Dropout extends Module {
  readonly p: number;
  private readonly rng: Rng | undefined;

  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super();
    checkOptionKeys('Dropout', options, ['rng']);
    checkP('Dropout', p);
    this.p = p;
    this.rng = options.rng;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, rng: this.rng });
  }
}
