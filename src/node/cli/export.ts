/**
 * `mtlgrad export`: a model saved by `mtlgrad train --save` in another format. `--onnx FILE` writes an ONNX
 * model with the saved preprocessing (imputation and standardisation) in the graph, so it takes raw features;
 * `--pytorch FILE.py` a PyTorch module (see export-pytorch.ts).
 */
import { resolve } from 'node:path';
import { ONNX_OPSET } from '../../io/onnx/export.js';
import { writeFileAtomic } from '../fs.js';
import { type FlagSpec, flagValue, parseArgs, required } from './args.js';
import { UsageError } from './errors.js';
import { checkPytorchPath, exportPytorch } from './export-pytorch.js';
import { type CliIO, refuseOutputOntoInput } from './io.js';
import { loadModelFile } from './predict.js';

export const EXPORT_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string' },
  onnx: { type: 'string' },
  pytorch: { type: 'string' },
};

/** `mtlgrad export ARGS`: returns the exit status. */
export async function exportCommand(argv: readonly string[], io: CliIO, help: () => string): Promise<number> {
  const args = parseArgs(argv, EXPORT_FLAGS, 'export');
  if (args.help) {
    io.stdout.write(help());
    return 0;
  }
  const modelPath = required(args, 'model', 'export', 'the file written by mtlgrad train --save');
  const onnx = flagValue(args, 'onnx');
  const pytorch = flagValue(args, 'pytorch');
  if (onnx === undefined && pytorch === undefined)
    throw new UsageError('export: say what to write: --onnx FILE.onnx or --pytorch FILE.py');
  if (pytorch !== undefined) {
    checkPytorchPath(pytorch);
    await refuseOutputOntoInput(
      { flag: 'pytorch', path: pytorch },
      [{ flag: 'model', path: modelPath }],
      io.cwd,
    );
  }
  const model = await loadModelFile(modelPath, io.cwd);
  if (pytorch !== undefined) await exportPytorch(model, modelPath, pytorch, io);
  if (onnx === undefined) return 0;
  if (onnx === '') throw new UsageError('export: --onnx needs a file name');
  await refuseOutputOntoInput({ flag: 'onnx', path: onnx }, [{ flag: 'model', path: modelPath }], io.cwd);
  const bytes = model.toOnnx();
  await writeFileAtomic(resolve(io.cwd, onnx), bytes);
  const { config } = model;
  const outputs = config.tasks
    .map(
      (t) =>
        `${t.name} (${t.kind === 'regression' ? 'value' : t.kind === 'binary' ? `P(${t.classes?.[1]})` : 'probabilities'})`,
    )
    .join(', ');
  io.stdout.write(
    `Wrote ${onnx} (ONNX opset ${ONNX_OPSET}, ${bytes.length} bytes)\n` +
      `  input "features": [batch, ${config.featureNames.length}] raw columns ${config.featureNames.join(', ')}\n` +
      `  outputs: ${outputs}\n`,
  );
  return 0;
}
