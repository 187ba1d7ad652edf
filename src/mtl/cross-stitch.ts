/**
 * Cross-stitch networks (Misra et al., CVPR 2016): one column (a copy of the trunk) per task; after every layer a
 * cross-stitch unit mixes the columns' activations, x̃_i = Σ_j α_ij x_j, with a learned T×T matrix α per layer.
 * α starts as the paper's best initialisation, self weight 0.9 and the rest shared by the other columns
 * (0.1 for two tasks), so each row sums to 1. The paper also scales α's learning rate up (10³); give α its own
 * optimiser parameter group for that (fit's `optimizer` factory receives the groups). Note that fit's weight decay
 * treats α like any weight matrix (rank 2), pulling it towards 0.
 */

import { mul } from '../autograd/ops/binary.js';
import { sum } from '../autograd/ops/reduce.js';
import { reshape, slice, squeeze, stack, unsqueeze } from '../autograd/ops/shape.js';
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { type ActivationName, resolveActivation } from '../nn/activations.js';
import { Dropout, Linear, ModuleDict, ModuleList } from '../nn/index.js';
import { Module } from '../nn/module.js';
import { checkOptionKeys } from '../options.js';
import { allocate, type DType } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import type { MultiTaskModel } from './architectures.js';
import { BUILD_OPTIONS, type BuildOptions, buildTowers, checkCommonOptions, checkSizes } from './parts.js';
import { validateTasks } from './tasks.js';

type Towers = Record<string, Module<Tensor, Tensor>>;

/** A cross-stitch unit over T columns stacked as [N, T, H]: out[:, i] = Σ_j α_ij · in[:, j]. Parameter `alpha` [T, T]. */
export class CrossStitchUnit extends Module<Tensor, Tensor> {
  readonly alpha: Tensor;

  /** α_ii = selfWeight (default 0.9), α_ij = (1 − selfWeight)/(T − 1); a single column gets α = [[1]]. */
  constructor(columns: number, options: { selfWeight?: number; dtype?: DType } = {}) {
    super();
    checkOptionKeys('CrossStitchUnit', options, ['selfWeight', 'dtype']);
    if (!Number.isInteger(columns) || columns < 1)
      throw new ValueError(`CrossStitchUnit: columns must be an integer ≥ 1, got ${columns}`);
    const s = options.selfWeight ?? 0.9;
    if (!(typeof s === 'number' && s >= 0 && s <= 1))
      throw new ValueError(`CrossStitchUnit: selfWeight must be a number in [0, 1], got ${String(s)}`);
    const T = columns;
    const alpha = new Tensor(allocate(options.dtype ?? 'float32', T * T), [T, T]);
    for (let i = 0; i < T; i++)
      for (let j = 0; j < T; j++) alpha.data[i * T + j] = T === 1 ? 1 : i === j ? s : (1 - s) / (T - 1);
    this.alpha = this.registerParameter('alpha', alpha);
  }

  forward(z: Tensor): Tensor {
    const T = this.alpha.shape[0];
    if (z.rank !== 3 || z.shape[1] !== T)
      throw new ShapeError(`CrossStitchUnit: expected columns [N, ${T}, H], got ${fmtShape(z.shape)}`);
    // [N, 1, T, H] · [1, T, T, 1] summed over the source column j.
    return sum(mul(unsqueeze(z, 1), reshape(this.alpha, [1, T, T, 1])), 2);
  }
}

/** Column t of columns stacked [N, T, H]: [N, H]. */
function column(z: Tensor, t: number): Tensor {
  return squeeze(slice(z, [null, [t, t + 1]]), 1);
}

/** The parts of a {@link CrossStitch} network: the task columns, the cross-stitch units and the towers. */
export interface CrossStitchParts {
  /** Per task, its column's Linear layers (every column has the same sizes). */
  columns: Record<string, Linear[]>;
  /** One unit per layer, over as many columns as there are tasks. */
  units: CrossStitchUnit[];
  /** One head per task, reading its column's last layer. */
  towers: Towers;
  /** After every column layer (default relu). */
  activation?: ActivationName;
  /** Dropout after each column layer but the last (default 0), its masks drawn from `rng`. */
  dropout?: number;
  rng?: Rng;
}

/**
 * The cross-stitch network. encode(x) returns the columns after the last unit, stacked [N, T, H]: every task's
 * loss depends on every column and α, so all of them are shared parameters; the towers are the task parameters.
 * State-dict keys: `columns.<task>.<layer>.weight/bias`, `units.<layer>.alpha`, `towers.<task>.*`.
 */
export class CrossStitch extends Module<Tensor, Record<string, Tensor>> implements MultiTaskModel {
  readonly columns: ModuleDict<ModuleList<Linear>>;
  readonly units: ModuleList<CrossStitchUnit>;
  readonly towers: ModuleDict<Module<Tensor, Tensor>>;
  readonly taskNames: string[];
  readonly dropout: Dropout | null;
  private readonly act: (x: Tensor) => Tensor;

  constructor(parts: CrossStitchParts) {
    super();
    const names = Object.keys(parts?.columns ?? {});
    const depth = names.length > 0 ? parts.columns[names[0]].length : 0;
    if (depth === 0 || !Array.isArray(parts.units))
      throw new ValueError(
        'CrossStitch: expected {columns: {task: Linear[]}, units: CrossStitchUnit[], towers}',
      );
    for (const n of names) {
      const layers = parts.columns[n];
      if (!Array.isArray(layers) || layers.length !== depth || !layers.every((l) => l instanceof Linear))
        throw new ValueError(`CrossStitch: column '${n}' must list ${depth} Linear layers like the others`);
    }
    if (parts.units.length !== depth || !parts.units.every((u) => u.alpha?.shape[0] === names.length))
      throw new ValueError(`CrossStitch: expected ${depth} cross-stitch units over ${names.length} columns`);
    const towerNames = Object.keys(parts.towers ?? {});
    if (towerNames.join() !== names.join())
      throw new ValueError(
        `CrossStitch: expected one tower per column (${names.join(', ')}), got ${towerNames.join(', ') || 'none'}`,
      );
    const cols: Record<string, ModuleList<Linear>> = {};
    for (const n of names) cols[n] = new ModuleList(parts.columns[n]);
    this.columns = this.registerModule('columns', new ModuleDict(cols));
    this.units = this.registerModule('units', new ModuleList(parts.units));
    this.towers = this.registerModule('towers', new ModuleDict(parts.towers));
    const p = parts.dropout ?? 0;
    this.dropout = p > 0 ? this.registerModule('dropout', new Dropout(p, { rng: parts.rng })) : null;
    this.act = resolveActivation('CrossStitch', parts.activation ?? 'relu');
    this.taskNames = names;
  }

  /** Columns of Linear layers [inputs, ...hidden], one unit per layer, and linear heads or towers. */
  static build(options: BuildOptions & { hidden: readonly number[]; selfWeight?: number }): CrossStitch {
    checkOptionKeys('CrossStitch.build', options, [...BUILD_OPTIONS, 'hidden', 'selfWeight']);
    validateTasks(options.tasks);
    checkCommonOptions('CrossStitch.build', options);
    checkSizes('CrossStitch.build', 'hidden', options.hidden);
    const { inputs, hidden, rng, dtype, tasks } = options;
    const sizes = [inputs, ...hidden];
    const columns: Record<string, Linear[]> = {};
    for (const t of tasks) columns[t.name] = hidden.map((h, l) => new Linear(sizes[l], h, { rng, dtype }));
    const units = hidden.map(
      () => new CrossStitchUnit(tasks.length, { selfWeight: options.selfWeight, dtype }),
    );
    const towers = buildTowers(hidden[hidden.length - 1], options);
    return new CrossStitch({
      columns,
      units,
      towers,
      activation: options.activation,
      dropout: options.dropout,
    });
  }

  /** The columns after the last cross-stitch unit, [N, T, H]. */
  encode(x: Tensor): Tensor {
    const layers = this.taskNames.map((n) => [...this.columns.modules[n]]);
    const units = [...this.units];
    let inputs = this.taskNames.map(() => x);
    let mixed = x;
    const last = units.length - 1;
    units.forEach((unit, l) => {
      const outs = layers.map((col, t) => {
        const h = this.act(col[l].forward(inputs[t]));
        return this.dropout && l < last ? this.dropout.forward(h) : h;
      });
      mixed = unit.forward(stack(outs, 1));
      if (l < last) inputs = this.taskNames.map((_, t) => column(mixed, t));
    });
    return mixed;
  }

  decode(z: Tensor): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.taskNames.forEach((name, t) => {
      out[name] = this.towers.modules[name].forward(column(z, t));
    });
    return out;
  }

  forward(x: Tensor): Record<string, Tensor> {
    return this.decode(this.encode(x));
  }

  sharedParameters(): Tensor[] {
    return [...this.columns.parameters(), ...this.units.parameters()];
  }

  taskParameters(task: string): Tensor[] {
    const tower = this.towers.modules[task];
    if (!tower) throw new ValueError(`CrossStitch: no task '${task}' (tasks: ${this.taskNames.join(', ')})`);
    return tower.parameters();
  }
}
