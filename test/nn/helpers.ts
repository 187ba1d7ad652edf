/** Shared helpers for the nn tests: fixtures, comparisons, a finite-difference check for modules. */
import { readFileSync } from 'node:fs';
import * as fcNs from 'fast-check';
import { expect } from 'vitest';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { Tensor } from '../../src/autograd/tensor.js';
import type { Module } from '../../src/nn/module.js';
import { tensorArbitraries } from '../../src/testing/arbitraries.js';

export const fc = fcNs;
export const arb = tensorArbitraries(fcNs);
/** Property-test runs per property (each run is a full Jacobian check). */
export const RUNS = 25;

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function f64(t: FixtureTensor, requiresGrad = false): Tensor {
  return new Tensor(Float64Array.from(t.data), t.shape, requiresGrad);
}

export function f64Of(values: readonly number[], shape: readonly number[], requiresGrad = false): Tensor {
  return new Tensor(Float64Array.from(values), shape, requiresGrad);
}

/** max |a − b| over the elements; the arrays must have the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}

/** Keeps the largest difference seen per group, for the final report. */
export class DiffLog {
  private readonly groups = new Map<string, number>();
  add(group: string, diff: number): number {
    this.groups.set(group, Math.max(this.groups.get(group) ?? 0, diff));
    return diff;
  }
  report(title: string): void {
    const lines = [...this.groups].map(([g, d]) => `  ${g.padEnd(44)} ${d.toExponential(2)}`);
    console.log(`${title} (max |ours − torch|):\n${lines.join('\n')}`);
  }
  get(group: string): number {
    return this.groups.get(group) ?? 0;
  }
}

/**
 * Central differences for every parameter of `model` (float64) against the gradients that
 * `loss().backward()` leaves in .grad. Returns the worst |analytic − numeric|.
 */
export function moduleGradError(model: Module, loss: () => Tensor, eps = 1e-6): number {
  model.zeroGrad();
  loss().backward();
  let worst = 0;
  for (const [name, p] of model.namedParameters()) {
    const g = p.grad;
    expect(g, `${name} has a gradient`).not.toBeNull();
    noGrad(() => {
      for (let i = 0; i < p.size; i++) {
        const orig = p.data[i];
        p.data[i] = orig + eps;
        const plus = loss().item();
        p.data[i] = orig - eps;
        const minus = loss().item();
        p.data[i] = orig;
        const numeric = (plus - minus) / (2 * eps);
        const err = Math.abs((g as Tensor).data[i] - numeric) / (1 + Math.abs(numeric));
        worst = Math.max(worst, err);
      }
    });
  }
  return worst;
}

/** A fixed pseudo-random tensor (float64) for weighting outputs: loss = sum(out * R). */
export function fixedR(shape: readonly number[], seed = 1): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const d = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    d[i] = (s / 2147483648) * 2 - 1;
  }
  return new Tensor(d, shape);
}
