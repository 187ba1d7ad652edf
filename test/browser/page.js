// Runs inside headless Chromium (see browser.test.ts): imports the built package as an ES module,
// trains a small HardSharing model and leaves what the test checks in window.__result.
import { backendInfo, fit, HardSharing, Rng, randn } from '/dist/index.js';

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
    info: backendInfo(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    losses: history.epochs.map((e) => e.trainLoss.kind + e.trainLoss.size),
  };
} catch (e) {
  window.__result = { error: String(e?.stack ?? e) };
}
