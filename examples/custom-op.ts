/**
 * A user-defined differentiable op, checked the way mtlgrad checks its own:
 * gradcheck against central finite differences in float64, inside a fast-check property.
 * Run: npx tsx examples/custom-op.ts
 */
import fc from 'fast-check';
import { customOp, type Tensor } from '../src/index.js';
import { gradcheck, tensorArbitraries } from '../src/testing/index.js';

/** A smooth ReLU, softplus with sharpness β: y = log(1 + e^{βx}) / β, written stably. */
export const smoothRelu = customOp<Tensor>({
  name: 'smoothRelu',
  forward: ([x], save) => {
    save(x);
    const beta = 2;
    // log(1 + e^{βx}) = max(βx, 0) + log(1 + e^{−|βx|})
    const bx = x.mul(beta);
    return bx.relu().add(bx.abs().neg().exp().add(1).log()).div(beta);
  },
  backward: (grad, { saved }) => {
    // dy/dx = σ(βx)
    return [grad.mul(saved!.mul(2).sigmoid())];
  },
});

export function checkCustomOp(log: (s: string) => void = console.log): boolean {
  const arb = tensorArbitraries(fc);
  let worst = 0;
  fc.assert(
    fc.property(arb.tensor({ dtype: 'float64', min: -3, max: 3, maxRank: 2 }), (x) => {
      const report = gradcheck((t) => smoothRelu(t), [x]);
      worst = Math.max(worst, report.worst?.absError ?? 0);
      return report.pass;
    }),
    { numRuns: 50 },
  );
  log(
    `smoothRelu: gradcheck passed on 50 random tensors (largest |analytic − numeric| ${worst.toExponential(2)})`,
  );
  return true;
}

if (process.argv[1]?.endsWith('custom-op.ts')) checkCustomOp();
