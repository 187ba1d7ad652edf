/**
 * `mtlgrad export --model m.safetensors --pytorch model.py`: writes a PyTorch module for a model saved by
 * `mtlgrad train --save`, with the saved standardisers as `preprocess`/`postprocess` helpers, so training can
 * go on in PyTorch (for instance with DistributedDataParallel) from our weights.
 */
import { resolve } from 'node:path';
import { toPytorch } from '../../io/pytorch-module.js';
import type { ModelConfig } from '../../model/config.js';
import type { SavedModel } from '../../model/saved-model.js';
import { writeFileAtomic } from '../fs.js';
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';

/** The saved standardisers as the generated file's preprocessing constants (one-hot columns pass unchanged). */
function preprocessing(config: ModelConfig) {
  const s = config.standardizer;
  return {
    featureNames: [...config.featureNames],
    mean: s.mean.map((m, j) => (s.scaled[j] ? m : 0)),
    std: s.std.map((d, j) => (s.scaled[j] ? d : 1)),
    targets: config.targetStandardizer.tasks,
  };
}

/** Checks the --pytorch file name before anything is loaded. @throws UsageError unless it ends in .py. */
export function checkPytorchPath(out: string): void {
  if (!out.endsWith('.py'))
    throw new UsageError(`export: --pytorch needs a file name ending in .py (a Python module), got '${out}'`);
}

/** Writes `saved` as a PyTorch module to `out` (atomically) and says so on stdout. */
export async function exportPytorch(
  saved: SavedModel,
  modelPath: string,
  out: string,
  io: CliIO,
): Promise<void> {
  const { config, model } = saved;
  const source = toPytorch(model, {
    title: `mtlgrad model ${modelPath} (tasks ${config.tasks.map((t) => t.name).join(', ')})`,
    preprocessing: preprocessing(config),
  });
  await writeFileAtomic(resolve(io.cwd, out), new TextEncoder().encode(source));
  io.stdout.write(
    `Wrote ${out}: a PyTorch ${config.architecture} module; load it with load_model(${JSON.stringify(modelPath)})\n`,
  );
}
