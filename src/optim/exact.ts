/**
 * Correctly rounded arithmetic that plain JavaScript does not offer, so that the optimisers round
 * exactly as PyTorch does.
 *
 * Fused multiply-add, a·b + c with one rounding: PyTorch's CPU kernels for `add(x, alpha=…)` and
 * `addcmul` compile to FMA instructions on x86-64 and aarch64 (explicit `vec::fmadd` in the
 * vectorised loops, compiler contraction in the scalar tails), so torch's SGD and Adam round
 * `p + alpha·d` once. Emulating it is what makes the optimisers match PyTorch to the last bit
 * instead of to ~1 ulp (the SGD fixtures show it: 22 to 44 of 48 values match without, 48 with).
 *
 * Integer powers: Adam's bias corrections use Python's `beta ** step` (glibc's pow, correctly
 * rounded but for rare cases); V8's `**` is off by one ulp for about 1 in 10 step counts.
 *
 * Cost: fma32 is a few flops and a rarely taken branch, fma64 about 30 flops. In micro-benchmarks
 * an Adam step costs about 2x (float32) and 2.5x (float64) the unfused arithmetic: small next to
 * the forward and backward passes, whose cost grows with the batch size.
 */

/** Veltkamp's splitting constant 2^27 + 1. */
const SPLIT = 134217729;

/**
 * fma(a, b, c) = RN(a·b + c) in float64 (round to nearest, ties to even).
 *
 * Error-free transformations: Dekker's exact product a·b = uh + ul (when ul = 0, uh + c is the
 * answer), Knuth's TwoSum c + uh = th + tl, then v = RN(tl + ul) and r = RN(th + v) with its exact
 * error e1. The exact value differs from th + v by less than half an ulp of v, far below the last
 * bit of r (|v| ≤ 1.5 ulp(th); under heavy cancellation th is exact and v = ul), so r is the answer
 * unless th + v lies exactly halfway between r and its neighbour r + 2·e1 (rare; then the sign of
 * the error of v decides). Kept small (~250 bytes of bytecode): V8 inlines at most about
 * 900 bytes into one function, so a kernel loop may hold three calls, which the kernels respect.
 *
 * Non-finite values and overflow fall back to a·b + c (IEEE semantics, so Infinity propagates);
 * when a·b is below about 2^-969 (subnormal partial products) the last bit may differ from a true
 * FMA. Checked against exact BigInt arithmetic in the tests.
 */
export function fma64(a: number, b: number, c: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const uh = a * b;
  const ul = ah * bh - uh + ah * bl + al * bh + al * bl;
  // An exact product (alpha = 1 or a power of two, zeros): one rounding of the sum, signed zeros included.
  if (ul === 0) return uh + c;
  const th = c + uh;
  t = th - c;
  const tl = c - (th - t) + (uh - t);
  const v = tl + ul;
  const r = th + v;
  t = r - th;
  const e1 = th - (r - t) + (v - t);
  // Not halfway (the usual case): r, unless the splitting overflowed or an input was not finite (NaN).
  if (r + 2 * e1 - r !== 2 * e1) return Number.isNaN(r) ? uh + c : r;
  return e1 === 0 ? r : fma64Tie(a, b, c, r, e1);
}

/**
 * The rare case of fma64, out of line so that fma64 stays small enough for V8 to inline three calls
 * into one loop: th + v exactly halfway between r and r + 2·e1, rounded by the sign of
 * ev = tl + ul − v, the part that v lost (recomputed here).
 */
function fma64Tie(a: number, b: number, c: number, r: number, e1: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const uh = a * b;
  const ul = ah * bh - uh + ah * bl + al * bh + al * bl;
  const th = c + uh;
  t = th - c;
  const tl = c - (th - t) + (uh - t);
  const v = tl + ul;
  t = v - tl;
  const ev = tl - (v - t) + (ul - t);
  return ev !== 0 && ev > 0 === e1 > 0 ? r + 2 * e1 : r;
}

/**
 * fma(a, b, c) = RN(a·b + c) in float32, for float32 inputs: the product is exact in float64, the
 * sum is exact as s + e (TwoSum), and rounding s to float32 is right unless s lies exactly halfway
 * between two floats, where the sign of e decides.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  // Halfway between r and its neighbour t = 2s − r iff t is a float32 (and not r).
  const t = 2 * s - r;
  if (Math.fround(t) !== t || !Number.isFinite(t)) return r;
  const z = s - c;
  const e = c - (s - z) + (p - z);
  if (e === 0) return r; // an exact tie: Math.fround already rounded to even
  return e > 0 === t > r ? t : r;
}

/**
 * base^n for an integer n ≥ 0, correctly rounded (as glibc's pow, which PyTorch's Python-side
 * `beta ** step` calls; V8's `**` is only nearly rounded and differs in the last bit for e.g. 0.9^4).
 * Binary exponentiation in double-double arithmetic (~104 bits), then one rounding; used for
 * Adam's bias corrections 1 − β^t. Results below 2^-960 fall back to `**`.
 */
export function powInt(base: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 || !Number.isFinite(base) || base === 0) return base ** n;
  let rh = 1;
  let rl = 0;
  let bh = base;
  let bl = 0;
  let k = n;
  while (k > 0) {
    if (k & 1) {
      const p = ddMul(rh, rl, bh, bl);
      rh = ddHi;
      rl = p;
    }
    k >>>= 1;
    if (k > 0) {
      const p = ddMul(bh, bl, bh, bl);
      bh = ddHi;
      bl = p;
    }
  }
  // Near the subnormal range the low parts lose bits; there 1 − β^t is 1 either way.
  return rh > 2 ** -960 || rh < -(2 ** -960) ? rh + rl : base ** n;
}

/** The high part of the last ddMul (the low part is returned), to avoid allocating a pair. */
let ddHi = 0;

/** (ah + al)·(bh + bl) in double-double: sets ddHi and returns the low part. */
function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = ah * bh;
  let t = SPLIT * ah;
  const ahh = t - (t - ah);
  const ahl = ah - ahh;
  t = SPLIT * bh;
  const bhh = t - (t - bh);
  const bhl = bh - bhh;
  const e = ahh * bhh - p + ahh * bhl + ahl * bhh + ahl * bhl + (ah * bl + al * bh);
  const s = p + e;
  ddHi = s;
  return e - (s - p);
}
