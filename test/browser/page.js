// Runs inside headless Chromium (see browser.test.ts): imports the built package as an ES module,
// trains a small HardSharing model and leaves what the test checks in window.__result.
import { backendInfo, fit, HardSharing, matmul, Rng, randn, setBackend } from '/dist/index.js';

/**
 * The wasm matmul (with relaxed SIMD where the browser has it) against the JS kernel on odd sizes and
 * every transpose: the largest error as a fraction of the float32 accumulation bound (k+1)·2⁻²⁴·Σ|a·b|.
 */
function matmulWorst(rng) {
  let worst = 0;
  for (const [m, k, n] of [
    [67, 45, 33],
    [130, 300, 17],
    [5, 257, 200],
  ]) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const a = randn(transposeA ? [k, m] : [m, k], { rng });
      const b = randn(transposeB ? [n, k] : [k, n], { rng });
      const flags = { transposeA, transposeB };
      const fast = matmul(a, b, flags).data;
      setBackend('js');
      const ref = matmul(a, b, flags).data;
      const abs = matmul(a.abs(), b.abs(), flags).data;
      setBackend('wasm');
      for (let i = 0; i < ref.length; i++) {
        const bound = (k + 1) * 2 ** -24 * abs[i] + 1e-30;
        worst = Math.max(worst, Math.abs(fast[i] - ref[i]) / bound);
      }
    }
  }
  return worst;
}

try {
  const rng = new Rng(0);
  const n = 256;
  const d = 16;
  const x = randn([n, d], { rng });
  const f = x.data;
  const y = {
    kind: Array.from({ length: n }, (_, i) => (f[d * i] > 0 ? 1 : 0) + (f[d * i + 1] > 0 ? 1 : 0)),
    size: Array.from({ length: n }, (_, i) => f[d * i + 2] - 2 * f[d * i + 3]),
  };
  const tasks = [
    { name: 'kind', kind: 'classification', classes: 3 },
    { name: 'size', kind: 'regression' },
  ];
  // Layers wide enough that the matmuls are worth splitting across threads.
  const model = HardSharing.build({ inputs: d, hidden: [256, 256], tasks, rng });
  const history = fit(model, { x, y }, { tasks, epochs: 8, batchSize: n, lr: 0.001, verbose: false });
  window.__result = {
    matmulWorst: matmulWorst(rng),
    info: backendInfo(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    losses: history.epochs.map((e) => e.trainLoss.kind + e.trainLoss.size),
  };
} catch (e) {
  window.__result = { error: String(e?.stack ?? e) };
}
