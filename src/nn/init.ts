/**
 * Weight initialisers, PyTorch's `torch.nn.init` with the same formulas (the bounds and standard
 * deviations agree with PyTorch's to the last bit; the sampled values come from mtlgrad's seeded Rng).
 * Every filler writes into the tensor in place and returns it; the generator is `options.rng`, or the
 * global one (`defaultRng()`, reset with `manualSeed`).
 *
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, ValueError } from '../errors.js';
import { defaultRng, type Rng } from '../tensor/rng.js';

/** The generator option every random initialiser takes. */
export interface RngOption {
  /** The generator to draw from (default: the global one). */
  rng?: Rng;
}

/** Nonlinearities known to `calculateGain` ('leaky_relu' is accepted as an alias of 'leakyRelu'). */
export type Nonlinearity =
  | 'linear'
  | 'identity'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'leaky_relu'
  | 'selu'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d';

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear/sigmoid,
 * 5/3 for tanh, √2 for relu, √(2/(1 + slope²)) for leaky relu (slope `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leakyRelu':
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new ValueError(`calculateGain: negative slope ${String(slope)} is not a finite number`);
      }
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new ValueError(
        `calculateGain: unsupported nonlinearity '${String(nonlinearity)}'; valid: linear, identity, sigmoid, tanh, relu, leakyRelu, selu`,
      );
  }
}

/** fanIn and fanOut of a weight [out, in, ...kernel] (PyTorch's rule; at least 2 dimensions). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ValueError(
      `init: fan in and fan out need a tensor with at least 2 dimensions, got shape ${fmtShape(shape)}`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Which fan a Kaiming initialiser scales by: the inputs (forward variance) or the outputs (backward variance). */
export type FanMode = 'fanIn' | 'fanOut';

/** Options of kaimingUniform and kaimingNormal (PyTorch's `a`, `mode`, `nonlinearity`). */
export interface KaimingOptions extends RngOption {
  /** Negative slope of the leaky relu that follows (default 0; used with nonlinearity 'leakyRelu'). */
  a?: number;
  /** 'fanIn' (default) keeps the forward variance; 'fanOut' the backward one. */
  mode?: FanMode;
  /** Default 'leakyRelu' with a = 0, i.e. relu's gain √2 (PyTorch's default). */
  nonlinearity?: Nonlinearity;
}

/** Options of xavierUniform and xavierNormal. */
export interface XavierOptions extends RngOption {
  /** Scale (default 1). */
  gain?: number;
}

function fanFor(op: string, shape: readonly number[], mode: FanMode | undefined): number {
  const f = fans(shape);
  if (mode === undefined || mode === 'fanIn') return f.fanIn;
  if (mode === 'fanOut') return f.fanOut;
  throw new ValueError(`${op}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
}

function kaimingGain(options: KaimingOptions): number {
  return calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0);
}

/** Standard deviation of kaimingNormal (and of kaimingUniform): gain/√fan. */
export function kaimingStd(shape: readonly number[], options: KaimingOptions = {}): number {
  return kaimingGain(options) / Math.sqrt(fanFor('kaiming', shape, options.mode));
}

/**
 * Bound b of kaimingUniform's U(−b, b): gain·√(3/fan). (The fixtures' formula; torch's kaiming_uniform_
 * evaluates it as √3·(gain/√fan), which can differ in the last bit.)
 */
export function kaimingUniformBound(shape: readonly number[], options: KaimingOptions = {}): number {
  return kaimingGain(options) * Math.sqrt(3.0 / fanFor('kaiming', shape, options.mode));
}

/** Standard deviation of xavierNormal: gain·√(2/(fanIn + fanOut)). */
export function xavierStd(shape: readonly number[], options: XavierOptions = {}): number {
  const { fanIn, fanOut } = fans(shape);
  return (options.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
}

/** Bound b of xavierUniform's U(−b, b): gain·√(6/(fanIn + fanOut)). */
export function xavierUniformBound(shape: readonly number[], options: XavierOptions = {}): number {
  const { fanIn, fanOut } = fans(shape);
  return (options.gain ?? 1) * Math.sqrt(6.0 / (fanIn + fanOut));
}

/** He uniform: U(−b, b) with b = gain·√(3/fan). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.size === 0) return t; // nothing to fill (PyTorch warns and returns)
  const b = kaimingUniformBound(t.shape, options);
  return uniform(t, -b, b, options);
}

/** He normal: N(0, gain²/fan). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.size === 0) return t; // nothing to fill (PyTorch warns and returns)
  return normal(t, 0, kaimingStd(t.shape, options), options);
}

/** Glorot uniform: U(−b, b) with b = gain·√(6/(fanIn + fanOut)). */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  if (t.size === 0) return t; // nothing to fill (PyTorch warns and returns)
  const b = xavierUniformBound(t.shape, options);
  return uniform(t, -b, b, options);
}

/** Glorot normal: N(0, gain²·2/(fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  if (t.size === 0) return t; // nothing to fill (PyTorch warns and returns)
  return normal(t, 0, xavierStd(t.shape, options), options);
}

/** U(low, high) in place. */
export function uniform(t: Tensor, low = 0, high = 1, options: RngOption = {}): Tensor {
  expectParam('uniform', t);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new ValueError(`uniform: need finite low ≤ high, got ${low} and ${high}`);
  }
  const rng = options.rng ?? defaultRng();
  const d = t.data;
  const width = high - low;
  for (let i = 0; i < d.length; i++) d[i] = low + width * rng.uniform();
  return t;
}

/** N(mean, std²) in place. */
export function normal(t: Tensor, mean = 0, std = 1, options: RngOption = {}): Tensor {
  expectParam('normal', t);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new ValueError(`normal: need a finite mean and std ≥ 0, got ${mean} and ${std}`);
  }
  const rng = options.rng ?? defaultRng();
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
  return t;
}

/** Fills with `value` in place. */
export function constant(t: Tensor, value: number): Tensor {
  expectParam('constant', t);
  t.data.fill(value);
  return t;
}

/** Fills `t` with 0 in place and returns it. */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Fills `t` with 1 in place and returns it. */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** nn.Linear's default bound for a layer with `inFeatures` inputs: 1/√inFeatures (weight and bias). */
export function linearDefaultBound(inFeatures: number): number {
  return 1 / Math.sqrt(inFeatures);
}

/**
 * PyTorch's nn.Linear.reset_parameters: weight by kaiming_uniform(a = √5), i.e. U(±1/√fanIn), then the
 * bias from U(±1/√fanIn) (fanIn = 0 gives a zero bound). Weight first, then bias, as in PyTorch.
 */
export function linearDefault(weight: Tensor, bias: Tensor | null, options: RngOption = {}): void {
  kaimingUniform(weight, { a: Math.sqrt(5), rng: options.rng });
  if (bias !== null) {
    const { fanIn } = fans(weight.shape);
    const b = fanIn > 0 ? linearDefaultBound(fanIn) : 0;
    uniform(bias, -b, b, options);
  }
}

/** A weight initialiser: fills `weight` in place from `rng`. */
export type InitFn = (weight: Tensor, rng: Rng) => void;

/** Initialiser names a Linear (and MLP) accepts. */
export type InitName =
  | 'default'
  | 'kaimingUniform'
  | 'kaimingNormal'
  | 'xavierUniform'
  | 'xavierNormal'
  | 'zeros'
  | 'ones';

const NAMED: Record<Exclude<InitName, 'default'>, InitFn> = {
  kaimingUniform: (w, rng) => kaimingUniform(w, { rng }),
  kaimingNormal: (w, rng) => kaimingNormal(w, { rng }),
  xavierUniform: (w, rng) => xavierUniform(w, { rng }),
  xavierNormal: (w, rng) => xavierNormal(w, { rng }),
  zeros: (w) => zeros(w),
  ones: (w) => ones(w),
};

/** The valid initialiser names. */
export const INIT_NAMES: readonly InitName[] = ['default', ...(Object.keys(NAMED) as InitName[])];

/**
 * Initialises a linear layer's parameters: 'default' (or undefined) is PyTorch's nn.Linear init;
 * any other name or function initialises the weight and sets the bias to zeros.
 */
export function initLinear(
  weight: Tensor,
  bias: Tensor | null,
  init: InitName | InitFn | undefined,
  rng: Rng,
): void {
  if (init === undefined || init === 'default') {
    linearDefault(weight, bias, { rng });
    return;
  }
  let fn: InitFn;
  if (typeof init === 'function') fn = init;
  else if (typeof init === 'string' && Object.hasOwn(NAMED, init))
    fn = NAMED[init as Exclude<InitName, 'default'>];
  else
    throw new ValueError(
      `init: unknown initialiser '${String(init)}'; valid names: ${INIT_NAMES.join(', ')}, or a function`,
    );
  fn(weight, rng);
  if (bias !== null) bias.data.fill(0);
}

function expectParam(op: string, t: Tensor): void {
  if (!(t instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor to fill`);
}
