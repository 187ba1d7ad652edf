/**
 * The reference formulation's TensorFlow example, rewritten with mtlgrad and corrected:
 *  - one logits head per task (the reference formulation applied softmax and then fed a logits loss);
 *  - cross-entropy computed from logits (stable, fused softmax − one-hot backward);
 *  - weight decay on ALL weight matrices, as λ·½Σw² (the reference formulation decayed one matrix only);
 *  - the total loss is the SUM of the task losses plus the decay term (the reference formulation trained one task's loss only);
 *  - Adam, as in the reference formulation.
 * Run: npx tsx examples/seed-example.ts
 */
import {
  Adam,
  crossEntropy,
  Linear,
  l2Penalty,
  matmul,
  noGrad,
  Rng,
  randn,
  relu,
  type Tensor,
} from '../src/index.js';

export function seedExample(steps = 300, log: (s: string) => void = console.log): { accuracies: number[] } {
  const rng = new Rng(0);
  // Data: 256 samples, 10 features; task 1 has 3 classes, task 2 has 2, from the same inputs.
  const n = 256;
  const x = randn([n, 10], { rng });
  const w1 = randn([10, 3], { rng });
  const w2 = randn([10, 2], { rng });
  const labels = (w: Tensor) => Array.from(matmul(x, w).argmax(1).data);
  const y1 = labels(w1);
  const y2 = labels(w2);

  // Shared representation z = relu(x·Wᵀ + b) and one logits head per task.
  const shared = new Linear(10, 16, { rng });
  const head1 = new Linear(16, 3, { rng });
  const head2 = new Linear(16, 2, { rng });
  const params = [...shared.parameters(), ...head1.parameters(), ...head2.parameters()];
  const weights = [shared.weight, head1.weight, head2.weight]; // decay on every weight matrix
  const lambdaWd = 0.001;
  const optimizer = new Adam(params, { lr: 0.01 });

  for (let step = 0; step <= steps; step++) {
    const z = relu(shared.forward(x));
    const loss1 = crossEntropy(head1.forward(z), y1); // logits in, no softmax before the loss
    const loss2 = crossEntropy(head2.forward(z), y2);
    const loss = loss1.add(loss2).add(l2Penalty(weights, lambdaWd)); // L = Σ_t L_t + λ·½Σw²
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (step % 100 === 0) log(`step ${step}  loss ${loss.item().toFixed(4)}`);
  }
  const accuracies = noGrad(() => {
    const z = relu(shared.forward(x));
    const acc = (logits: Tensor, y: number[]) =>
      Array.from(logits.argmax(1).data).filter((p, i) => p === y[i]).length / n;
    return [acc(head1.forward(z), y1), acc(head2.forward(z), y2)];
  });
  log(
    `training accuracy: task 1 ${(100 * accuracies[0]).toFixed(1)} %, task 2 ${(100 * accuracies[1]).toFixed(1)} %`,
  );
  return { accuracies };
}

if (process.argv[1]?.endsWith('seed-example.ts')) seedExample();
