import { matmul, randn, backendInfo, setNumThreads, setBackend } from './src/index.js';
console.log(backendInfo());
for (const [m, k, n] of [[256,256,256],[512,512,512],[256,784,512],[256,256,10]]) {
  const a = randn([m, k]); const b = randn([n, k]);
  const res: string[] = [];
  for (const t of [1, 2]) {
    setNumThreads(t);
    matmul(a, b, {transposeB: true});
    const iters = 20; const t0 = performance.now();
    for (let i = 0; i < iters; i++) matmul(a, b, {transposeB: true});
    const dt = (performance.now() - t0) / iters;
    res.push(`${t}t ${(2*m*n*k/dt/1e6).toFixed(1)}`);
  }
  console.log(m,k,n, res.join('  '));
}
