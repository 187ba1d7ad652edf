/** Task relationships: the cosine between the task gradients on the shared trunk over EW training. */
import { heatmap, lineChart, paragraph, type ReportSection } from '../../src/report/index.js';
import type { Experiment } from './common.js';
import { conflictRun } from './penguin-runs.js';

export interface ConflictResult {
  seed: number;
  tasks: string[];
  /** Per epoch, the mean pairwise cosine matrix over that epoch's batches. */
  epochs: number[][][];
}

export const conflict: Experiment<ConflictResult> = {
  name: 'conflict',
  summary: 'cosine between the task gradients on the shared trunk during EW training',
  run(ctx) {
    const seed = ctx.penguins.seeds[0];
    ctx.progress('gradient conflict (EW, recordConflict)');
    const h = conflictRun(ctx.penguins, seed, ctx.quick);
    return { seed, tasks: ctx.penguins.tasks.map((t) => t.name), epochs: h.epochs.map((e) => e.conflict!) };
  },
  print(res) {
    const last = res.epochs[res.epochs.length - 1];
    return `   ${pairs(res.tasks)
      .map(([i, j]) => `${res.tasks[i]}/${res.tasks[j]} ${last[i][j].toFixed(3)}`)
      .join(', ')}`;
  },
  render(res) {
    const tasks = res.tasks;
    const last = res.epochs[res.epochs.length - 1];
    return [
      {
        title: 'Task relationships: gradient conflict',
        intro:
          `Cosine similarity between the task gradients on the shared trunk, averaged per epoch (EW training with recordConflict, split seed ${res.seed}; ` +
          'a separate run, so that no timed method pays for the recording). Negative values mean the tasks pull the shared weights in conflicting directions.',
        blocks: [
          lineChart({
            title: 'cosine between task gradients',
            xLabel: 'epoch',
            yLabel: 'cosine similarity',
            series: pairs(tasks).map(([i, j]) => ({
              name: `${tasks[i]} / ${tasks[j]}`,
              points: res.epochs.map((c, e) => [e + 1, c[i][j]]),
            })),
          }),
          heatmap({ title: 'last epoch', labels: tasks, matrix: last }),
          paragraph(
            'Computed by the trainer with recordConflict: true; see gradientConflict() for a one-off measurement.',
          ),
        ],
      } satisfies ReportSection,
    ];
  },
};

function pairs(tasks: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < tasks.length; i++) for (let j = i + 1; j < tasks.length; j++) out.push([i, j]);
  return out;
}
