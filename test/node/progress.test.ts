import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { fit } from '../../src/mtl/trainer.js';
import { terminalProgress } from '../../src/node/progress.js';
import { Rng } from '../../src/tensor/rng.js';

const tasks: TaskSpec[] = [{ name: 'y', kind: 'regression' }];
const run = (reporter: ReturnType<typeof terminalProgress>) =>
  fit(
    HardSharing.build({ inputs: 1, hidden: [2], tasks, rng: new Rng(1) }),
    { x: tensor([[1], [2]]), y: { y: [1, 2] } },
    {
      tasks,
      epochs: 2,
      reporter,
    },
  );

describe('terminalProgress', () => {
  it('draws epoch lines on a terminal and ends with a newline', () => {
    let out = '';
    run(terminalProgress({ stream: { isTTY: true, write: (s: string) => (out += s) } }));
    expect(out).toContain('epoch 1/2');
    expect(out).toContain('epoch 2/2');
    expect(out).toMatch(/steps\/s {2}loss: y \d\.\d{4}/);
    expect(out.endsWith('\n')).toBe(true);
  });

  it('stays silent when the stream is not a terminal (unless always)', () => {
    let out = '';
    const stream = { write: (s: string) => (out += s) };
    run(terminalProgress({ stream }));
    expect(out).toBe('');
    run(terminalProgress({ stream, always: true, perStep: false }));
    expect(out).not.toContain('steps/s');
    expect(out).toContain('epoch 2/2  loss: y ');
  });
});
