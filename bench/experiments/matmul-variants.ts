/**
 * Parametrised copies of src/tensor/matmul.ts for tuning experiments (never imported by src/).
 *
 * `buildKernel(cfg)` generates the source of the same GotoBLAS-style kernel (pack B block,
 * pack A block, macro-kernel, register-tiled micro-kernel, small-product path) with the tile and
 * block sizes inlined as literals and the micro-kernel fully unrolled for MR×NR, then compiles it
 * with `new Function`, so every variant gets its own optimised machine code as a hand-written
 * copy would. With the baseline config the generated code is line-for-line the src kernel.
 *
 * Knobs: MR×NR register tile, KC/MC/NC block sizes, packing into Float64Array or Float32Array,
 * unrolling the k loop ×1/×2/×4, and the order of loads in the micro-kernel.
 */
import type { MatmulArgs } from '../../src/tensor/matmul.js';

export interface VariantConfig {
  mr: number;
  nr: number;
  kc: number;
  mc: number;
  nc: number;
  /** Element type of the packing buffers. */
  pack: 'f64' | 'f32';
  /** Unroll factor of the micro-kernel's k loop. */
  unroll: 1 | 2 | 4;
  /**
   * 'ab': load the MR values of A and the NR of B, then the MR·NR updates (the src kernel).
   * 'row': load the NR values of B once, then per row i load a_i and update row i
   * (fewer simultaneously live values).
   */
  order: 'ab' | 'row';
  /**
   * Run a float32 C with k > KC through a float64 temporary, so that partial sums of the K blocks
   * are rounded once (src does this since commit 5b3f891; default true).
   */
  wideC: boolean;
}

export const BASELINE: VariantConfig = {
  mr: 4,
  nr: 4,
  kc: 256,
  mc: 64,
  nc: 512,
  pack: 'f64',
  unroll: 1,
  order: 'ab',
  wideC: true,
};

export function variantName(c: VariantConfig): string {
  const parts = [`${c.mr}×${c.nr}`, `KC${c.kc}`, `MC${c.mc}`];
  if (c.nc !== BASELINE.nc) parts.push(`NC${c.nc}`);
  parts.push(c.pack);
  if (c.unroll !== 1) parts.push(`u${c.unroll}`);
  if (c.order !== 'ab') parts.push(c.order);
  if (!c.wideC) parts.push('f32C');
  return parts.join(' ');
}

export type Kernel = (args: MatmulArgs) => void;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** One k step of the micro-kernel; `off` is the step within an unrolled group. */
function step(c: VariantConfig, off: number): string {
  const { mr, nr } = c;
  const ao = (i: number) => `pa[ai + ${off * mr + i}]`.replace(' + 0]', ']');
  const bo = (j: number) => `pb[bi + ${off * nr + j}]`.replace(' + 0]', ']');
  const s: string[] = [];
  if (c.order === 'ab') {
    for (const i of range(mr)) s.push(`const a${i}_${off} = ${ao(i)};`);
    for (const j of range(nr)) s.push(`const b${j}_${off} = ${bo(j)};`);
    for (const i of range(mr)) s.push(range(nr).map((j) => `c${i}_${j} += a${i}_${off} * b${j}_${off};`).join(' '));
  } else {
    for (const j of range(nr)) s.push(`const b${j}_${off} = ${bo(j)};`);
    for (const i of range(mr)) {
      s.push(`const a${i}_${off} = ${ao(i)};`);
      s.push(range(nr).map((j) => `c${i}_${j} += a${i}_${off} * b${j}_${off};`).join(' '));
    }
  }
  return s.join('\n      ');
}

function microSource(c: VariantConfig): string {
  const { mr, nr, unroll } = c;
  const acc = range(mr).map((i) => `let ${range(nr).map((j) => `c${i}_${j} = 0`).join(', ')};`);
  const loop: string[] = [];
  if (unroll === 1) {
    loop.push(`for (let p = 0; p < kc; p++) {\n      ${step(c, 0)}\n      ai += ${mr};\n      bi += ${nr};\n    }`);
  } else {
    const body = range(unroll)
      .map((u) => step(c, u))
      .join('\n      ');
    loop.push(`let p = 0;\n    for (; p + ${unroll - 1} < kc; p += ${unroll}) {\n      ${body}\n      ai += ${mr * unroll};\n      bi += ${nr * unroll};\n    }`);
    loop.push(`for (; p < kc; p++) {\n      ${step(c, 0)}\n      ai += ${mr};\n      bi += ${nr};\n    }`);
  }
  const store = (opr: string) =>
    range(mr)
      .map((i) => `${range(nr).map((j) => `c[co${j ? ` + ${j}` : ''}] ${opr} c${i}_${j};`).join(' ')}${i < mr - 1 ? '\n        co += ldc;' : ''}`)
      .join('\n        ');
  const tileFill = range(mr)
    .map((i) => range(nr).map((j) => `tile[${i * nr + j}] = c${i}_${j};`).join(' '))
    .join('\n    ');
  return `
  function microKernel(pa, ai, pb, bi, kc, c, co, ldc, h, w, overwrite) {
    ${acc.join('\n    ')}
    ${loop.join('\n    ')}
    if (h === ${mr} && w === ${nr}) {
      if (overwrite) {
        ${store('=')}
      } else {
        ${store('+=')}
      }
      return;
    }
    const tile = edgeTile;
    ${tileFill}
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        if (overwrite) c[co + i * ldc + j] = tile[i * ${nr} + j];
        else c[co + i * ldc + j] += tile[i * ${nr} + j];
      }
    }
  }`;
}

function kernelSource(c: VariantConfig): string {
  const { mr, nr, kc, mc, nc } = c;
  const Arr = c.pack === 'f64' ? 'Float64Array' : 'Float32Array';
  const packBFull = range(nr)
    .map((j) => `pb[dst${j ? ` + ${j}` : ''}] = b[src${j ? ` + ${j}` : ''}];`)
    .join('\n          ');
  const rowsA = range(mr)
    .map((i) => (i === 0 ? 'const r0 = base + i0 * ars;' : `const r${i} = r${i - 1} + ars;`))
    .join('\n        ');
  const packAFull = range(mr)
    .map((i) => `pa[dst${i ? ` + ${i}` : ''}] = a[r${i} + o];`)
    .join('\n          ');
  return `
  "use strict";
  const SMALL = 512;
  let packA = new ${Arr}(${mc * kc});
  let packB = new ${Arr}(${kc * nc});
  const edgeTile = new Float64Array(${mr * nr});

  function matmulKernel(args) {
    const { a, aOffset, b, bOffset, c, cOffset, m, n, k, transA, transB, accumulate } = args;
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
      return;
    }
    const ars = transA ? 1 : k;
    const acs = transA ? m : 1;
    const brs = transB ? 1 : n;
    const bcs = transB ? k : 1;
    if (m * n * k <= SMALL) {
      smallMatmul(a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, m, n, k, accumulate);
      return;
    }
    if (${c.wideC} && k > ${kc} && !(c instanceof Float64Array)) {
      const size = m * n;
      const wide = new Float64Array(size);
      if (accumulate) for (let i = 0; i < size; i++) wide[i] = c[cOffset + i];
      matmulKernel({ ...args, c: wide, cOffset: 0 });
      for (let i = 0; i < size; i++) c[cOffset + i] = wide[i];
      return;
    }
    for (let jc = 0; jc < n; jc += ${nc}) {
      const ncb = Math.min(${nc}, n - jc);
      for (let pc = 0; pc < k; pc += ${kc}) {
        const kcb = Math.min(${kc}, k - pc);
        packBBlock(b, bOffset + pc * brs + jc * bcs, brs, bcs, kcb, ncb);
        const overwrite = pc === 0 && !accumulate;
        for (let ic = 0; ic < m; ic += ${mc}) {
          const mcb = Math.min(${mc}, m - ic);
          packABlock(a, aOffset + ic * ars + pc * acs, ars, acs, mcb, kcb);
          macroKernel(mcb, ncb, kcb, c, cOffset + ic * n + jc, n, overwrite);
        }
      }
    }
  }

  function packBBlock(b, base, brs, bcs, kc, nc) {
    const panels = Math.ceil(nc / ${nr});
    const need = panels * kc * ${nr};
    if (packB.length < need) packB = new ${Arr}(need);
    const pb = packB;
    for (let jp = 0; jp < panels; jp++) {
      const j0 = jp * ${nr};
      const w = Math.min(${nr}, nc - j0);
      let dst = jp * kc * ${nr};
      if (w === ${nr} && bcs === 1) {
        for (let p = 0; p < kc; p++) {
          const src = base + p * brs + j0;
          ${packBFull}
          dst += ${nr};
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = base + p * brs + j0 * bcs;
          for (let j = 0; j < ${nr}; j++) pb[dst + j] = j < w ? b[src + j * bcs] : 0;
          dst += ${nr};
        }
      }
    }
  }

  function packABlock(a, base, ars, acs, mc, kc) {
    const panels = Math.ceil(mc / ${mr});
    const need = panels * kc * ${mr};
    if (packA.length < need) packA = new ${Arr}(need);
    const pa = packA;
    for (let ip = 0; ip < panels; ip++) {
      const i0 = ip * ${mr};
      const h = Math.min(${mr}, mc - i0);
      let dst = ip * kc * ${mr};
      if (h === ${mr}) {
        ${rowsA}
        for (let p = 0; p < kc; p++) {
          const o = p * acs;
          ${packAFull}
          dst += ${mr};
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = base + i0 * ars + p * acs;
          for (let i = 0; i < ${mr}; i++) pa[dst + i] = i < h ? a[src + i * ars] : 0;
          dst += ${mr};
        }
      }
    }
  }

  function macroKernel(mc, nc, kc, c, cBase, ldc, overwrite) {
    const pa = packA;
    const pb = packB;
    for (let j0 = 0; j0 < nc; j0 += ${nr}) {
      const w = Math.min(${nr}, nc - j0);
      const bStart = (j0 / ${nr}) * kc * ${nr};
      for (let i0 = 0; i0 < mc; i0 += ${mr}) {
        const h = Math.min(${mr}, mc - i0);
        const aStart = (i0 / ${mr}) * kc * ${mr};
        microKernel(pa, aStart, pb, bStart, kc, c, cBase + i0 * ldc + j0, ldc, h, w, overwrite);
      }
    }
  }
  ${microSource(c)}

  function smallMatmul(a, ao, ars, acs, b, bo, brs, bcs, c, co, m, n, k, accumulate) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let pa = ao + i * ars;
        let pb = bo + j * bcs;
        for (let p = 0; p < k; p++) {
          s += a[pa] * b[pb];
          pa += acs;
          pb += brs;
        }
        if (accumulate) c[co + i * n + j] += s;
        else c[co + i * n + j] = s;
      }
    }
  }
  return matmulKernel;
`;
}

/** Generated source of a variant (for inspection: `console.log(variantSource(cfg))`). */
export function variantSource(cfg: VariantConfig): string {
  return kernelSource(cfg);
}

/** Compiles a fresh kernel (own scratch buffers, own optimised code) for `cfg`. */
/** MC must be a multiple of MR and NC of NR (else every block ends in a partial tile). */
export function buildKernel(cfg: VariantConfig): Kernel {
  if (cfg.mr < 1 || cfg.nr < 1 || cfg.kc < 1 || cfg.mc % cfg.mr !== 0 || cfg.nc % cfg.nr !== 0) {
    throw new Error(`bad variant ${JSON.stringify(cfg)}`);
  }
  // biome-ignore lint/security/noGlobalEval: code generation is the point of this experiment harness.
  return new Function(kernelSource(cfg))() as Kernel;
}
