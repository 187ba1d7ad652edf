/**
 * Numbers as text, for charts, report tables and the command line's tables: significant digits,
 * thousands separators, a real minus sign, and one notation per axis for tick labels.
 */

function group(intPart: string): string {
  return intPart.length > 4 ? intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : intPart;
}

/** Formats `v` with `decimals` fixed decimals, thousands separators and a real minus sign. */
function fixed(v: number, decimals: number): string {
  let s = Math.abs(v).toFixed(decimals);
  const [i, f] = s.split('.');
  s = group(i!) + (f === undefined ? '' : `.${f}`);
  return v < 0 && Number(s.replace(/,/g, '')) !== 0 ? `\u2212${s}` : s;
}

/** `1e-4`, `2.5e6`: exponent notation with at most `sig` significant digits and no trailing zeros. */
function expo(v: number, sig: number): string {
  const [m, e] = v.toExponential(Math.max(0, sig - 1)).split('e');
  const mant = m!.includes('.') ? m!.replace(/\.?0+$/, '') : m!;
  return `${mant}e${Number(e)}`.replace(/-/g, '\u2212');
}

/**
 * A general-purpose number for annotations and table cells: `digits` significant digits, trailing zeros
 * dropped, exponent notation for very small or very large magnitudes. Missing and NaN values print as
 * `–`, infinities as `∞`. The one number format of the charts, the report tables and the CLI's tables.
 */
export function formatNumber(v: number | undefined, digits = 3): string {
  if (v === undefined) return '\u2013';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '\u2013' : v > 0 ? '\u221e' : '\u2212\u221e';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e7) return expo(v, digits);
  if (Number.isInteger(v) && a < 1e7) return fixed(v, 0);
  const mag = Math.floor(Math.log10(a));
  const decimals = Math.max(0, Math.min(12, digits - 1 - mag));
  let s = fixed(v, decimals);
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

/**
 * Labels for linear ticks spaced `step` apart: enough decimals that neighbours differ, one notation for
 * the whole axis (exponent notation when every magnitude is ≥ 10⁷ or < 10⁻³).
 */
export function formatTicks(values: readonly number[], step: number): string[] {
  const maxAbs = Math.max(step, ...values.map(Math.abs));
  const useExp = maxAbs >= 1e7 || maxAbs < 1e-3;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return values.map((v) => {
    if (Math.abs(v) < step * 1e-9) return '0';
    if (!useExp) return fixed(v, decimals);
    const sig = Math.max(
      1,
      Math.floor(Math.log10(Math.abs(v)) + 1e-9) - Math.floor(Math.log10(step) + 1e-9) + 1,
    );
    return expo(v, sig);
  });
}

/**
 * Labels for log-axis ticks, one notation per axis: plain decimals when every tick is in [0.01, 10⁵),
 * else `1e-5` style for all of them.
 */
export function formatLogTicks(values: readonly number[]): string[] {
  const plain = values.every((v) => Math.abs(v) >= 0.01 && Math.abs(v) < 1e5);
  return values.map((v) => (plain ? formatNumber(v, 3) : expo(v, 3)));
}
