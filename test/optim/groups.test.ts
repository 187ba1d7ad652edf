/** decayGroups: which parameters decay. */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/autograd/tensor.js';
import { ValueError } from '../../src/errors.js';
import { Module } from '../../src/nn/module.js';
import { AdamW, decayGroups } from '../../src/optim/index.js';
import { param } from './helpers.js';

class Lin extends Module {
  weight: Tensor;
  bias: Tensor;
  constructor(i: number, o: number) {
    super();
    this.weight = this.registerParameter('weight', param(new Array(i * o).fill(0.1), [o, i]));
    this.bias = this.registerParameter('bias', param(new Array(o).fill(0), [o]));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}
class LayerNorm extends Module {
  weight = this.registerParameter('weight', param([1, 1], [2]));
  bias = this.registerParameter('bias', param([0, 0], [2]));
  forward(x: Tensor): Tensor {
    return x;
  }
}
/** A norm layer with a rank-2 parameter: exempt by its class name. */
class GroupNorm extends Module {
  scale = this.registerParameter('scale', param([1, 1, 1, 1], [2, 2]));
  forward(x: Tensor): Tensor {
    return x;
  }
}
class Normalizer extends Module {
  // Not a norm layer: 'Norm' is not at the end of the class name.
  proj = this.registerParameter('proj', param([1, 0, 0, 1], [2, 2]));
  forward(x: Tensor): Tensor {
    return x;
  }
}
class Net extends Module {
  trunk = this.registerModule('trunk', new Lin(3, 2));
  norm = this.registerModule('norm', new LayerNorm());
  gn = this.registerModule('gn', new GroupNorm());
  normalizer = this.registerModule('normalizer', new Normalizer());
  head = this.registerModule('head', new Lin(2, 2));
  header = this.registerModule('header', new Lin(2, 1));
  logVars = this.registerParameter('logVars', param([0, 0, 0], [3]));
  mix = this.registerParameter('mix', param([1, 2, 3, 4], [2, 2]));
  forward(x: Tensor): Tensor {
    return x;
  }
}

function names(net: Module, ps: Tensor[]): string[] {
  const byTensor = new Map(net.namedParameters().map(([n, p]) => [p, n]));
  return ps.map((p) => byTensor.get(p)!);
}

describe('decayGroups', () => {
  it('decays rank ≥ 2 weights; exempts biases, norm parameters and rank-1 parameters', () => {
    const net = new Net();
    const [decay, none] = decayGroups(net, { weightDecay: 0.05 });
    expect(decay.weightDecay).toBe(0.05);
    expect(none.weightDecay).toBe(0);
    expect(names(net, decay.params)).toEqual([
      'mix',
      'trunk.weight',
      'normalizer.proj',
      'head.weight',
      'header.weight',
    ]);
    expect(names(net, none.params)).toEqual([
      'logVars',
      'trunk.bias',
      'norm.weight',
      'norm.bias',
      'gn.scale',
      'head.bias',
      'header.bias',
    ]);
  });

  it('noDecay as a list of names (exact or as a prefix) or as a predicate', () => {
    const net = new Net();
    const [decay] = decayGroups(net, { weightDecay: 0.1, noDecay: ['head', 'mix'] });
    // 'head' matches head.weight but not header.weight.
    expect(names(net, decay.params)).toEqual(['trunk.weight', 'normalizer.proj', 'header.weight']);
    const [d2, n2] = decayGroups(net, { weightDecay: 0.1, noDecay: (name) => name.startsWith('trunk.') });
    expect(names(net, d2.params)).toEqual(['mix', 'normalizer.proj', 'head.weight', 'header.weight']);
    expect(names(net, n2.params)).toContain('trunk.weight');
  });

  it('accepts [name, tensor] pairs or a record (no module classes: rank and name rules only)', () => {
    const w = param([1, 2, 3, 4], [2, 2]);
    const b = param([1, 2], [2]);
    const v = param([1, 2, 3, 4], [2, 2]);
    const odd = param([1, 2, 3, 4], [2, 2]);
    const [d, n] = decayGroups(
      [
        ['w', w],
        ['b', b],
        ['enc.bias', odd],
        ['v', v],
      ],
      { weightDecay: 0.1, noDecay: ['v'] },
    );
    expect(d.params).toEqual([w]);
    expect(n.params).toEqual([b, odd, v]);
    const [d2, n2] = decayGroups({ w, b }, { weightDecay: 0.2 });
    expect(d2.params).toEqual([w]);
    expect(n2.params).toEqual([b]);
  });

  it('places a shared tensor once, and the groups feed an optimiser', () => {
    const w = param([1, 2, 3, 4], [2, 2]);
    const groups = decayGroups(
      [
        ['a.weight', w],
        ['b.weight', w],
      ],
      { weightDecay: 0.1 },
    );
    expect(groups[0].params).toEqual([w]);
    expect(groups[1].params).toEqual([]);
    const net = new Net();
    const opt = new AdamW(decayGroups(net, { weightDecay: 0.05 }), { lr: 1e-3 });
    expect(opt.paramGroups.map((g) => g.weightDecay)).toEqual([0.05, 0]);
    expect(opt.paramGroups[0].params.length + opt.paramGroups[1].params.length).toBe(net.parameters().length);
  });

  it('validates its options', () => {
    const net = new Net();
    expect(() => decayGroups(net, { weightDecay: -1 })).toThrow(ValueError);
    expect(() => decayGroups(net, { weightDecay: 0.1, noDecay: 'head' as never })).toThrow(
      /predicate or a list/,
    );
    expect(() => decayGroups([['x', 3 as unknown as Tensor]], { weightDecay: 0.1 })).toThrow(
      /\[name, Tensor\]/,
    );
  });
});
