import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import {
  createWeighting,
  TASK_KINDS,
  WEIGHTING_NAMES,
  WEIGHTINGS,
  type WeightingEntry,
} from '../../src/mtl/registry.js';
import { defaultLoss, defaultMetrics } from '../../src/mtl/tasks.js';
import { trainHelp } from '../../src/node/cli/help.js';

describe('registry', () => {
  it('every weighting has a description, builds a fresh instance and is listed in the train help', () => {
    const help = trainHelp();
    for (const name of WEIGHTING_NAMES) {
      expect(WEIGHTINGS[name].description.length).toBeGreaterThan(10);
      const spec = (WEIGHTINGS[name] as WeightingEntry).example ?? name;
      const a = createWeighting(spec, { seed: 1 });
      expect(a).not.toBe(createWeighting(spec, { seed: 1 }));
      expect(['loss', 'gradient']).toContain(a.type);
      expect(help).toMatch(new RegExp(`^ +${name} +\\S`, 'm'));
    }
  });

  it('an unknown name gets a did-you-mean, and prototype names are unknown', () => {
    expect(() => createWeighting('pcgrd')).toThrow(/unknown weighting 'pcgrd' \(did you mean 'pcgrad'\?\)/);
    expect(() => createWeighting('constructor')).toThrow(ValueError);
  });

  it('the task defaults come from the kinds table', () => {
    expect(defaultLoss({ name: 't', kind: 'binary' })).toBe('bce');
    expect(defaultLoss({ name: 't', kind: 'regression', loss: 'huber' })).toBe('huber');
    expect(defaultMetrics({ name: 't', kind: 'binary' })).toEqual(['accuracy', 'macroF1', 'logLoss', 'auc']);
    for (const kind of Object.keys(TASK_KINDS) as (keyof typeof TASK_KINDS)[])
      expect(defaultLoss({ name: 't', kind, classes: 2 })).toBe(TASK_KINDS[kind].losses[0]);
  });
});
