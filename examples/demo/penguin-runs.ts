/**
 * The penguins models every experiment shares, trained once per split and stored in the study: one
 * single-task baseline per task, and multi-task models per weighting method, each timed the same way.
 */
import {
  deltaM,
  EW,
  evaluate,
  fit,
  type History,
  type TaskMetrics,
  type TaskSpec,
  type Weighting,
} from '../../src/mtl/index.js';
import { buildHardSharing, type PenguinSplit, type PenguinStudy, summary, trainBudget } from './common.js';

/** The headline metric of each penguins task (Δm itself uses all of deltaM's metrics). */
export const HEADLINE: Record<
  string,
  { metric: string; label: string; range: [number, number]; of: (m: TaskMetrics, massStd: number) => number }
> = {
  species: { metric: 'accuracy', label: 'species accuracy', range: [0, 1], of: (m) => m.accuracy! },
  sex: { metric: 'accuracy', label: 'sex accuracy', range: [0, 1], of: (m) => m.accuracy! },
  mass: { metric: 'maeGrams', label: 'mass MAE (g)', range: [0, Infinity], of: (m, s) => m.mae! * s },
};

/** The summary of a task's headline metric over repeats, its interval clipped to the metric's range. */
export function headlineSummary(task: string, values: number[]) {
  return summary(values, HEADLINE[task].range);
}

/** Per task, the summary of its headline metric over runs, each run given as {task: value}. */
export function headlineSummaries(tasks: readonly TaskSpec[], runs: readonly Record<string, number>[]) {
  return Object.fromEntries(
    tasks.map((t) => [
      t.name,
      headlineSummary(
        t.name,
        runs.map((r) => r[t.name]),
      ),
    ]),
  );
}

/** Test metrics of one trained model, its headline metrics, and training cost. */
export interface Run {
  metrics: Record<string, TaskMetrics>;
  headline: Record<string, number>;
  epochsRun: number;
  bestEpoch: number;
  /** Training steps taken, and the milliseconds they took (epoch time, validation excluded). */
  steps: number;
  ms: number;
}

/** A multi-task run with its Δm against the split's single-task baselines. */
export interface MtlRun extends Run {
  deltaM: number;
  history: History;
}

function run(
  model: ReturnType<ReturnType<typeof buildHardSharing>>,
  history: History,
  split: PenguinSplit,
  tasks: PenguinStudy['tasks'],
): Run {
  const metrics = evaluate(model, split.test, { tasks });
  const headline: Record<string, number> = {};
  for (const t of tasks) headline[t.name] = HEADLINE[t.name].of(metrics[t.name], split.massStd);
  const batches = Math.ceil(split.nTrain / trainBudget(false).batchSize);
  return {
    metrics,
    headline,
    epochsRun: history.epochs.length,
    bestEpoch: history.bestEpoch,
    steps: history.epochs.length * batches,
    ms: history.epochs.reduce((s, e) => s + e.seconds * 1000, 0),
  };
}

/** One single-task model per task on the split (same trunk, budget and seed as the multi-task model). */
export function baselines(
  study: PenguinStudy,
  split: PenguinSplit,
  fraction: number,
  quick: boolean,
): Record<string, Run> {
  return study.memo(`stl:${split.seed}:${fraction}`, () => {
    const out: Record<string, Run> = {};
    for (const task of study.tasks) {
      const only = (d: PenguinSplit['train']) => ({ x: d.x, y: { [task.name]: d.y[task.name] } });
      const model = buildHardSharing(study.raw.nFeatures)([task], split.seed);
      const history = fit(model, only(split.train), {
        ...trainBudget(quick),
        tasks: [task],
        validation: only(split.val),
        seed: split.seed,
      });
      const r = run(model, history, { ...split, test: only(split.test) }, [task]);
      out[task.name] = r;
    }
    return out;
  });
}

/** The multi-task model trained with `weighting` (EW by default) on the split, and its Δm. */
export function multiTask(
  study: PenguinStudy,
  split: PenguinSplit,
  fraction: number,
  quick: boolean,
  make: () => Weighting = () => new EW(),
  fresh = false,
): MtlRun {
  const weighting = make();
  const train = () => {
    const stl = baselines(study, split, fraction, quick);
    const model = buildHardSharing(study.raw.nFeatures)(study.tasks, split.seed);
    const history = fit(model, split.train, {
      ...trainBudget(quick),
      tasks: study.tasks,
      weighting,
      validation: split.val,
      seed: split.seed,
    });
    const r = run(model, history, split, study.tasks);
    const stlMetrics = Object.fromEntries(study.tasks.map((t) => [t.name, stl[t.name].metrics[t.name]]));
    return { ...r, deltaM: deltaM(study.tasks, r.metrics, stlMetrics), history };
  };
  // `fresh` trains again (for timing every method in the same phase); training is deterministic, so the metrics
  // equal the stored run's.
  return fresh ? train() : study.memo(`mtl:${weighting.name}:${split.seed}:${fraction}`, train);
}

/**
 * An EW model trained with recordConflict on the full split: the cosine between task gradients per epoch. Kept
 * apart from the timed runs, since recording the per-task gradients costs time.
 */
export function conflictRun(study: PenguinStudy, seed: number, quick: boolean): History {
  return study.memo(`conflict:${seed}`, () => {
    const split = study.split(seed);
    const model = buildHardSharing(study.raw.nFeatures)(study.tasks, seed);
    return fit(model, split.train, {
      ...trainBudget(quick),
      tasks: study.tasks,
      validation: split.val,
      seed,
      recordConflict: true,
    });
  });
}
