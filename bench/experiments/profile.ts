/**
 * A fixed matmul workload to profile with V8's sampling profiler:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/mtlgrad-prof --import tsx bench/experiments/profile.ts [seconds]
 *   npx tsx bench/experiments/profile-summary.ts /tmp/mtlgrad-prof/<file>.cpuprofile
 *
 * Runs the public `matmul` at 256³ and 512³ in the three Linear-layer forms for about
 * `seconds` (default 6) in total. Profiles are git-ignored (*.cpuprofile); keep them out of bench/.
 */
import { matmul, Tensor } from '../../src/index.js';
import { randomFloat32 } from '../harness.js';

const seconds = Number(process.argv[2] ?? 6);
const budget = (seconds * 1000) / 6;
for (const n of [256, 512]) {
  const a = new Tensor(randomFloat32(n * n, 1), [n, n]);
  const b = new Tensor(randomFloat32(n * n, 2), [n, n]);
  for (const opts of [{ transposeB: true }, {}, { transposeA: true }]) {
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < budget) {
      matmul(a, b, opts);
      calls++;
    }
    const ms = (performance.now() - t0) / calls;
    console.log(`${n}³ ${JSON.stringify(opts)}: ${calls} calls, ${ms.toFixed(2)} ms/call, ${((2 * n ** 3) / ms / 1e6).toFixed(2)} GFLOP/s`);
  }
}
