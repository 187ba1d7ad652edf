/** Containers: Sequential (chains modules, keys '0', '1', …) and ModuleList (holds them, no forward). */
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Module } from './module.js';

type AnyModule = Module<never, unknown>;

/**
 * Applies its modules in order, like torch.nn.Sequential: sub-modules are registered as '0', '1', …
 * (by position, activations included), so `new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2))`
 * has the state-dict keys 0.weight, 0.bias, 2.weight, 2.bias, PyTorch's.
 */
export class Sequential extends Module {
  private readonly mods: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module))
        throw new ValueError(`Sequential: argument ${i} must be a Module, got ${typeof m}`);
      this.registerModule(String(i), m);
      this.mods.push(m);
    });
  }

  get length(): number {
    return this.mods.length;
  }

  /** The module at position i (negative counts from the end). */
  at(i: number): Module {
    const m = this.mods.at(i);
    if (m === undefined)
      throw new ValueError(`Sequential: index ${i} is out of range for ${this.mods.length} modules`);
    return m;
  }

  /** The modules in order (`for (const m of seq)`). */
  [Symbol.iterator](): Iterator<Module> {
    return this.mods[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.mods.length; i++) y = this.mods[i].forward(y);
    return y;
  }
}

/**
 * A list of sub-modules registered as '0', '1', … (torch.nn.ModuleList): their parameters appear
 * under `name.i.` in the parent. It has no forward of its own.
 */
export class ModuleList<M extends AnyModule = Module> extends Module<never, never> {
  private readonly mods: M[] = [];

  constructor(modules: readonly M[] = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end (registered under its index). Returns this. */
  append(m: M): this {
    if (!(m instanceof Module))
      throw new ValueError(`ModuleList: entry ${this.mods.length} must be a Module`);
    this.registerModule(String(this.mods.length), m);
    this.mods.push(m);
    return this;
  }

  get length(): number {
    return this.mods.length;
  }

  /** The module at position i (negative counts from the end). */
  at(i: number): M {
    const m = this.mods.at(i);
    if (m === undefined)
      throw new ValueError(`ModuleList: index ${i} is out of range for ${this.mods.length} modules`);
    return m;
  }

  /** The modules in order (`for (const m of list)`). */
  [Symbol.iterator](): Iterator<M> {
    return this.mods[Symbol.iterator]();
  }

  forward(_input: never): never {
    throw new ValueError('ModuleList: a ModuleList has no forward; call its modules (list.at(i).forward(x))');
  }
}

/**
 * Sub-modules by name (torch.nn.ModuleDict): each is registered under its key, so its parameters
 * appear under `name.key.` in the parent. It has no forward of its own.
 */
export class ModuleDict<M extends AnyModule = Module> extends Module<never, never> {
  /** The modules by key (a prototype-free record). */
  readonly modules: Record<string, M>;

  constructor(modules: Record<string, M>) {
    super();
    this.modules = Object.create(null);
    for (const [key, m] of Object.entries(modules)) {
      if (!(m instanceof Module)) throw new ValueError(`ModuleDict: entry '${key}' must be a Module`);
      this.modules[key] = this.registerModule(key, m);
    }
  }

  /** The entries' names, in insertion order. */
  keys(): string[] {
    return Object.keys(this.modules);
  }

  forward(): never {
    throw new ValueError('ModuleDict has no forward; call one of its modules');
  }
}
