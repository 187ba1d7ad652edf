/**
 * User-defined differentiable ops from a forward/backward pair: a layer over defineOp for forwards
 * written with tensor ops. The forward runs without recording a graph (its inner ops are not
 * differentiated); the given backward is the op's whole gradient rule.
 */
import { AutogradError, fmtShape, ValueError } from '../errors.js';
import { noGrad } from './grad-mode.js';
import { defineOp, expectTensor } from './graph.js';
import { Tensor } from './tensor.js';

/** What a custom op's backward receives: its inputs, its output and the values forward saved. */
export interface CustomOpContext<S> {
  /** The op's inputs, as passed to forward. */
  inputs: Tensor[];
  /** The op's output. */
  output: Tensor;
  /** Whatever forward stored with `save` (undefined when nothing was saved). */
  saved: S | undefined;
}

/** A custom op for {@link customOp}: a forward computation and its backward rule. */
export interface CustomOpSpec<S = unknown> {
  /** Used in error messages. */
  name?: string;
  /** Computes the output from the inputs. Call `save(x)` to keep values for backward. */
  forward: (inputs: Tensor[], save: (value: S) => void) => Tensor;
  /**
   * Given ∂L/∂output, returns one gradient per input (null for none). A gradient may have the
   * output's broadcast shape; it is summed back to the input's shape.
   */
  backward: (grad: Tensor, ctx: CustomOpContext<S>) => (Tensor | null)[];
}

/** Turns a forward/backward pair into a differentiable function of tensors. */
export function customOp<S = unknown>(spec: CustomOpSpec<S>): (...inputs: Tensor[]) => Tensor {
  const name = spec.name ?? 'customOp';
  if (typeof spec.forward !== 'function' || typeof spec.backward !== 'function') {
    throw new ValueError(`${name}: customOp needs forward and backward functions`);
  }
  return (...inputs: Tensor[]) => {
    inputs.forEach((t, i) => expectTensor(name, t, `input ${i}`));
    let saved: S | undefined;
    const out = noGrad(() =>
      spec.forward(
        inputs.map((t) => t.detach()),
        (v) => {
          saved = v;
        },
      ),
    );
    if (!(out instanceof Tensor))
      throw new AutogradError(`${name}: forward must return a Tensor, got ${typeof out}`);
    return defineOp(name, out.data, out.shape, inputs, (g) => {
      const grads = spec.backward(g, { inputs, output: out, saved });
      if (!Array.isArray(grads) || grads.length !== inputs.length) {
        throw new AutogradError(
          `${name}: backward must return an array of ${inputs.length} gradients (null for none), got ${
            Array.isArray(grads) ? grads.length : typeof grads
          }`,
        );
      }
      grads.forEach((gr, i) => {
        if (gr !== null && !(gr instanceof Tensor)) {
          throw new AutogradError(`${name}: gradient ${i} must be a Tensor or null, got ${typeof gr}`);
        }
        if (gr instanceof Tensor && gr.size !== inputs[i].size && gr.rank < inputs[i].rank) {
          throw new AutogradError(
            `${name}: gradient ${i} has shape ${fmtShape(gr.shape)}, input ${i} has ${fmtShape(inputs[i].shape)}`,
          );
        }
      });
      return grads;
    });
  };
}
