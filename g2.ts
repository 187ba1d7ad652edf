import { buildGemmModule } from './src/backend/wasm/gemm.js';
import { matmulKernel } from './src/tensor/matmul.js';
const mem = new WebAssembly.Memory({ initial: 2000 });
const bytes = buildGemmModule({ mr: 4, relaxed: false, memory: { initial: 1, imported: true } });
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } });
const gemm = inst.exports.gemm as (...a: number[]) => void;
function run(m: number, n: number, k: number, ta: boolean, tb: boolean) {
  const a = new Float32Array(m * k).map(() => Math.random() - 0.5);
  const b = new Float32Array(k * n).map(() => Math.random() - 0.5);
  const f = new Float32Array(mem.buffer);
  const A = 1024, B = A + m * k * 4, C = B + k * n * 4, S = C + m * n * 4 + 64;
  f.set(a, A / 4); f.set(b, B / 4);
  gemm(m, n, k, A, (ta ? 1 : k) * 4, (ta ? m : 1) * 4, B, (tb ? 1 : n) * 4, (tb ? k : 1) * 4, C, n * 4, 0, 0, S);
  const c = f.slice(C / 4, C / 4 + m * n);
  const ref = new Float32Array(m * n);
  matmulKernel({ a, aOffset: 0, b, bOffset: 0, c: ref, cOffset: 0, m, n, k, transA: ta, transB: tb, accumulate: false });
  let err = 0; for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs(c[i] - ref[i]));
  console.log(m,n,k,ta,tb, err.toExponential(2), Array.from(c.slice(0,3)), Array.from(ref.slice(0,3)));
}
run(4,16,257,false,false);run(4,16,257,false,true);run(4,16,512,false,true);run(4,16,513,false,true);
