/**
 * The error function to float64 accuracy (< 1 ulp), a port of Sun's fdlibm `s_erf.c`
 * (the algorithm glibc and most C libraries use, so it agrees with PyTorch's `erf` to the last bits).
 *
 *  - |x| < 0.84375: erf(x) = x + x·R(x²)/S(x²), a rational approximation around 0;
 *  - 0.84375 ≤ |x| < 1.25: erf(x) = erx + P(s)/Q(s) with s = |x| − 1, erx = erf(1) rounded to 24 bits;
 *  - 1.25 ≤ |x| < 6: erf(x) = 1 − exp(−x² − 0.5625 + R/S)/|x| with R/S a rational in 1/x²
 *    (two sets of coefficients, split at 1/0.35); x² is split exactly so exp(−x²) keeps full precision;
 *  - |x| ≥ 6: ±1 (erfc underflows below half an ulp of 1).
 */

// Coefficients from fdlibm s_erf.c (Copyright (C) 1993 by Sun Microsystems, Inc.; freely redistributable).
const erx = 0.8450629115104675;
const efx = 0.1283791670955126;
const pp0 = 0.12837916709551256;
const pp1 = -0.3250421072470015;
const pp2 = -0.02848174957559851;
const pp3 = -0.005770270296489442;
const pp4 = -2.3763016656650163e-5;
const qq1 = 0.39791722395915535;
const qq2 = 0.0650222499887673;
const qq3 = 0.005081306281875766;
const qq4 = 0.00013249473800432164;
const qq5 = -3.960228278775368e-6;
const pa0 = -0.0023621185607526594;
const pa1 = 0.41485611868374833;
const pa2 = -0.3722078760357013;
const pa3 = 0.31834661990116175;
const pa4 = -0.11089469428239668;
const pa5 = 0.035478304325618236;
const pa6 = -0.002166375594868791;
const qa1 = 0.10642088040084423;
const qa2 = 0.540397917702171;
const qa3 = 0.07182865441419627;
const qa4 = 0.12617121980876164;
const qa5 = 0.01363708391202905;
const qa6 = 0.011984499846799107;
const ra0 = -0.009864944034847148;
const ra1 = -0.6938585727071818;
const ra2 = -10.558626225323291;
const ra3 = -62.375332450326006;
const ra4 = -162.39666946257347;
const ra5 = -184.60509290671104;
const ra6 = -81.2874355063066;
const ra7 = -9.814329344169145;
const sa1 = 19.651271667439257;
const sa2 = 137.65775414351904;
const sa3 = 434.56587747522923;
const sa4 = 645.3872717332679;
const sa5 = 429.00814002756783;
const sa6 = 108.63500554177944;
const sa7 = 6.570249770319282;
const sa8 = -0.0604244152148581;
const rb0 = -0.0098649429247001;
const rb1 = -0.799283237680523;
const rb2 = -17.757954917754752;
const rb3 = -160.63638485582192;
const rb4 = -637.5664433683896;
const rb5 = -1025.0951316110772;
const rb6 = -483.5191916086514;
const sb1 = 30.33806074348246;
const sb2 = 325.7925129965739;
const sb3 = 1536.729586084437;
const sb4 = 3199.8582195085955;
const sb5 = 2553.0504064331644;
const sb6 = 474.52854120695537;
const sb7 = -22.44095244658582;

/** The start of fdlibm's last interval, 1/0.35 as the double whose high word is 0x4006DB6E. */
const INV_035 = 2.8571434020996094;

/** erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, accurate to float64 rounding (NaN for NaN, ±1 for ±∞). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = x < 0 ? -x : x;
  if (ax < 0.84375) {
    if (ax < 3.725290298461914e-9) return x + efx * x; // |x| < 2^-28
    const z = x * x;
    const r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
    const s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
    return x + x * (r / s);
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const p = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    return x >= 0 ? erx + p / q : -erx - p / q;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const s = 1 / (ax * ax);
  let r: number;
  let q: number;
  if (ax < INV_035) {
    r = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
    q = 1 + s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
  } else {
    r = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
    q = 1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
  }
  // fdlibm clears the low 32 bits of x so that z² is exact; rounding to float32 (24 bits) does the same job:
  // −x² = −z² + (z − x)(z + x) exactly, and the small correction goes into the second exp.
  const z = Math.fround(ax);
  const e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);
  return x >= 0 ? 1 - e / ax : e / ax - 1;
}
