/**
 * A saved model small enough to predict by hand: features x (numeric, standardised with mean 10 and
 * std 2, missing imputed with 10) and c (one-hot a/b); one ReLU layer h = relu([(x − 10)/2, [c=a] − [c=b]]);
 * heads k (3 classes, logits [h0, h1, 0]), y (binary, logit h0 + h1 − 1) and v (regression, standardised
 * 2h0 + 1, with target mean 100 and std 5, so v = 10h0 + 105).
 */
import { tensor } from '../../src/autograd/create.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { configToMetadata, type ModelConfig } from '../../src/model/config.js';

export function handConfig(activation: ModelConfig['activation'] = 'relu'): ModelConfig {
  return {
    format: 'mtlgrad.model',
    version: 1,
    architecture: 'hard-sharing',
    features: ['x', 'c'],
    categorical: { c: ['a', 'b'] },
    featureNames: ['x', 'c=a', 'c=b'],
    missing: 'mean',
    hidden: [2],
    activation,
    tasks: [
      { name: 'k', column: 'k', kind: 'classification', classes: ['p', 'q', 'r'] },
      { name: 'y', column: 'y', kind: 'binary', classes: ['no', 'yes'] },
      { name: 'v', column: 'v', kind: 'regression' },
    ],
    standardizer: {
      format: 'mtlgrad.standardizer',
      version: 1,
      featureNames: ['x', 'c=a', 'c=b'],
      mean: [10, 0, 0],
      std: [2, 1, 1],
      scaled: [true, false, false],
      impute: 'mean',
      fill: [10, 0, 0],
    },
    targetStandardizer: {
      format: 'mtlgrad.target-standardizer',
      version: 1,
      tasks: { v: { mean: 100, std: 5 } },
    },
  };
}

export function handWeights(): Record<string, Tensor> {
  return {
    'trunk.layers.0.weight': tensor([
      [1, 0, 0],
      [0, 1, -1],
    ]),
    'trunk.layers.0.bias': tensor([0, 0]),
    'heads.k.weight': tensor([
      [1, 0],
      [0, 1],
      [0, 0],
    ]),
    'heads.k.bias': tensor([0, 0, 0]),
    'heads.y.weight': tensor([[1, 1]]),
    'heads.y.bias': tensor([-1]),
    'heads.v.weight': tensor([[2, 0]]),
    'heads.v.bias': tensor([1]),
  };
}

/** The safetensors bytes `mtlgrad train --save` would write for this model. */
export function handModelBytes(config: ModelConfig = handConfig()): Uint8Array {
  return encodeSafetensors(handWeights(), configToMetadata(config));
}
