import { makeData, mtlgradModel } from './bench/train-step.js';
import { setBackend, setNumThreads, backendInfo } from './src/index.js';
const data = makeData();
const mode = process.argv[2] ?? 'wasm2';
if (mode === 'js') setBackend('js'); else setNumThreads(mode === 'wasm1' ? 1 : 2);
const { step } = mtlgradModel(data);
for (let i = 0; i < 20; i++) step();
const times: number[] = [];
for (let r = 0; r < Number(process.env.ROUNDS ?? 15); r++) { const t0 = performance.now(); for (let i = 0; i < 10; i++) step(); times.push((performance.now() - t0) / 10); }
times.sort((a, b) => a - b);
console.log(mode, JSON.stringify(backendInfo()), 'median ms/step', times[7].toFixed(2), 'steps/s', (1000 / times[7]).toFixed(1));
