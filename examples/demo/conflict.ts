/**
 * Task relationships: the cosine between the task gradients on the shared trunk over EW training,
 * and TAG's lookahead affinity with the task grouping it implies.
 */
import { groupTasks, taskAffinity } from '../../src/mtl/index.js';
import { heatmap, lineChart, paragraph, type ReportSection, sideBySide } from '../../src/report/index.js';
import { buildHardSharing, type Experiment } from './common.js';
import { conflictRun } from './penguin-runs.js';

export interface ConflictResult {
  seed: number;
  tasks: string[];
  /** Per epoch, the mean pairwise cosine matrix over that epoch's batches. */
  epochs: number[][][];
  /** TAG's Z(i→j) (row i → column j), averaged over a short joint SGD run of a fresh model. */
  affinity: number[][];
  /** The best split of the tasks into 2 groups by total affinity. */
  groups: string[][];
}

export const conflict: Experiment<ConflictResult> = {
  name: 'conflict',
  summary: 'cosine between the task gradients on the shared trunk during EW training',
  run(ctx) {
    const seed = ctx.penguins.seeds[0];
    ctx.progress('gradient conflict (EW, recordConflict)');
    const study = ctx.penguins;
    const h = conflictRun(study, seed, ctx.quick);
    ctx.progress('TAG task affinity');
    const model = buildHardSharing(study.raw.nFeatures)(study.tasks, seed);
    const train = study.split(seed).train;
    const affinity = taskAffinity(model, train, { tasks: study.tasks, epochs: ctx.quick ? 2 : 10, lr: 0.05 });
    const names = study.tasks.map((t) => t.name);
    const groups = groupTasks(affinity, 2).groups.map((g) => g.map((t) => names[t]));
    return { seed, tasks: names, epochs: h.epochs.map((e) => e.conflict!), affinity, groups };
  },
  print(res) {
    const last = res.epochs[res.epochs.length - 1];
    const cosines = pairs(res.tasks)
      .map(([i, j]) => `${res.tasks[i]}/${res.tasks[j]} ${last[i][j].toFixed(3)}`)
      .join(', ');
    const z = JSON.stringify(res.affinity.map((r) => r.map((v) => +v.toFixed(4))));
    return `   ${cosines}\n   TAG affinity (rows i → columns j): ${z}; best 2 groups: ${fmtGroups(res.groups)}`;
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
          affinityBeside(tasks, last, res.affinity),
          paragraph(
            'Left: computed by the trainer with recordConflict: true; see gradientConflict() for a one-off measurement. ' +
              'Right: taskAffinity() (TAG, Fifty et al. 2021), Z(i→j) = 1 − L_j(θ⁺_i)/L_j(θ) after a lookahead SGD step on task i alone, ' +
              'row i → column j, averaged over a short joint training run; positive means a step for i also helps j. ' +
              `groupTasks(affinity, 2) groups ${fmtGroups(res.groups)}.`,
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

function fmtGroups(groups: readonly string[][]): string {
  return groups.map((g) => g.join(' + ')).join(' | ');
}

/**
 * The gradient cosines and the TAG affinity heatmaps side by side. The affinity's colour scale is symmetric at its
 * largest off-diagonal |Z| (what grouping compares); a larger self-affinity shows as the scale's end colour.
 */
function affinityBeside(labels: readonly string[], cosine: number[][], affinity: number[][]): string {
  const off = affinity.flatMap((row, i) => row.filter((v, j) => i !== j && Number.isFinite(v)));
  const top = Math.max(1e-6, ...off.map(Math.abs));
  return sideBySide([
    heatmap({ title: 'gradient cosine, last epoch', labels: [...labels], matrix: cosine, width: 480 }),
    heatmap({
      title: 'TAG affinity Z(i→j)',
      labels: [...labels],
      matrix: affinity,
      min: -top,
      max: top,
      digits: 3,
      width: 480,
    }),
  ]);
}
