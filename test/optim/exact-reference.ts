/** Exact rational arithmetic (BigInt): correctly rounded fused multiply-adds to test the emulations against. */

/** x = m·2^e exactly (m an integer). */
export function decompose(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  return [sign * mant, e];
}

/** m·2^e rounded to nearest-even with `prec` bits and smallest exponent `minE` (no overflow handling). */
export function roundTo(m: bigint, e: number, prec: number, minE: number): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  if (neg) m = -m;
  let shift = m.toString(2).length - prec;
  if (e + shift < minE) shift = minE - e;
  if (shift > 0) {
    const rem = m & ((1n << BigInt(shift)) - 1n);
    let q = m >> BigInt(shift);
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    m = q;
    e += shift;
  }
  const r = Number(m) * 2 ** e;
  return neg ? -r : r; // m = 0 after rounding gives ±0 with the right sign
}

function exactFma(a: number, b: number, c: number, prec: number, minE: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const mp = ma * mb;
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const s = (mp << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (s === 0n) return a * b + c; // the sign of an exact zero follows IEEE
  return roundTo(s, e, prec, minE);
}
export const exact64 = (a: number, b: number, c: number) => exactFma(a, b, c, 53, -1074);
export const exact32 = (a: number, b: number, c: number) => exactFma(a, b, c, 24, -149);
