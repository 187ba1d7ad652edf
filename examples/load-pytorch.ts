/**
 * Loading a state dict saved from PyTorch. The file examples/data/torch_mlp.safetensors holds the
 * state_dict() of torch's nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)) (keys 0.weight,
 * 0.bias, 2.weight, 2.bias; Linear weights are [out, in] in both libraries), so it maps 1:1 onto
 * mtlgrad's Sequential.
 * Run: npx tsx examples/load-pytorch.ts
 */
import { fileURLToPath } from 'node:url';
import { Linear, ReLU, Sequential, tensor } from '../src/index.js';
import { loadSafetensorsSync } from '../src/node/index.js';

export function loadPytorch(log: (s: string) => void = console.log): number[][] {
  const path = fileURLToPath(new URL('./data/torch_mlp.safetensors', import.meta.url));
  const { tensors, metadata } = loadSafetensorsSync(path);
  const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
  // strict: false because the file also holds a few extra tensors (other dtypes) besides the model.
  const { unexpectedKeys } = model.loadStateDict(tensors, { strict: false });
  log(
    `loaded ${Object.keys(model.stateDict()).join(', ')} (format ${metadata.format}); ignored ${unexpectedKeys.join(', ')}`,
  );
  // The input torch was run on when the file was written (its output is recorded beside the test fixture).
  const x = tensor([
    [0.49633222818374634, 0.11960003525018692, 0.09379128366708755],
    [-0.13337387144565582, 0.4588713049888611, -0.1495349109172821],
  ]);
  const y = model.forward(x).toArray() as number[][];
  log(`output for the file's reference input: ${JSON.stringify(y)}`);
  return y;
}

if (process.argv[1]?.endsWith('load-pytorch.ts')) loadPytorch();
