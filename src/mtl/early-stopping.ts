/**
 * Early stopping on a validation value: stops after `patience` epochs without an improvement of
 * more than `minDelta`, and can put the best epoch's weights back at the end.
 */
import { ValueError } from '../errors.js';
import type { MultiTaskModel } from './architectures.js';
import type { EarlyConfig } from './config.js';
import type { TaskMetrics } from './evaluate.js';

export class EarlyStopper {
  private best = Number.NaN;
  private bestEpoch = -1;
  private bestState: Float64Array[] | null = null;
  private sinceBest = 0;

  constructor(readonly config: EarlyConfig) {}

  /** Records one epoch's validation metrics; returns true when training should stop. */
  update(epoch: number, validation: Record<string, TaskMetrics>, model: MultiTaskModel): boolean {
    const score = monitorValue(this.config.monitor, validation);
    const sign = this.config.higher ? 1 : -1;
    if (Number.isNaN(this.best) || sign * (score - this.best) > this.config.minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      if (this.config.restoreBest) this.bestState = snapshot(model);
      return false;
    }
    return ++this.sinceBest >= this.config.patience;
  }

  /** Restores the best weights (with restoreBest) and returns the epoch the model now holds. */
  finish(model: MultiTaskModel, lastEpoch: number): number {
    if (!this.config.restoreBest || this.bestState === null) return lastEpoch;
    const state = this.bestState;
    Object.values(model.stateDict()).forEach((t, i) => t.data.set(state[i]));
    return this.bestEpoch;
  }
}

function monitorValue(monitor: string, v: Record<string, TaskMetrics>): number {
  if (monitor === 'loss')
    return Object.values(v).reduce((s, m) => s + (Number.isNaN(m.loss) ? 0 : m.loss), 0);
  const dot = monitor.lastIndexOf('.');
  const value = v[monitor.slice(0, dot)]?.[monitor.slice(dot + 1) as keyof TaskMetrics];
  if (typeof value !== 'number') {
    throw new ValueError(`fit: cannot monitor '${monitor}': the validation metrics do not report it`);
  }
  return value;
}

function snapshot(model: MultiTaskModel): Float64Array[] {
  return Object.values(model.stateDict()).map((t) => Float64Array.from(t.data));
}
