import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { FileError } from '../../src/node/fs.js';
import { loadModel, loadModelSync } from '../../src/node/model.js';
import { FAST, run, SHAPE_FEATURES, SHAPE_TASKS, SHAPES, tempDir } from '../cli/helpers.js';
import { handModelBytes } from '../model/fixture.js';

describe('loadModel', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('round-trips a model saved by mtlgrad train --save: the same predictions as mtlgrad predict', async () => {
    const train = await run(
      ['train', '--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST, '--save', 'm.safetensors'],
      { cwd: dir },
    );
    expect(train.code).toBe(0);
    const rows = [
      { x1: 1.5, x2: -0.3, 'noise level': 0.3, color: 'red' },
      { x1: -1.2, x2: 0.2, 'noise level': 0.3, color: 'blue' },
    ];
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    const cli = await run(['predict', '--model', 'm.safetensors', '--data', 'rows.json', '--json'], {
      cwd: dir,
    });
    expect(cli.code).toBe(0);
    const model = await loadModel(join(dir, 'm.safetensors'));
    expect(model.config.tasks.map((t) => t.name)).toEqual(['shape', 'flag', 'value']);
    const { predictions, skipped } = model.predictRows(rows);
    expect(skipped).toEqual([]);
    expect(predictions).toEqual(JSON.parse(cli.stdout).predictions);
    expect(loadModelSync(join(dir, 'm.safetensors')).predictRows(rows).predictions).toEqual(predictions);
  });

  it('names the file when it is missing or not a model', async () => {
    await expect(loadModel(join(dir, 'none.safetensors'))).rejects.toThrow(FileError);
    writeFileSync(join(dir, 'junk.safetensors'), 'not a model');
    await expect(loadModel(join(dir, 'junk.safetensors'))).rejects.toThrow(FormatError);
    await expect(loadModel(join(dir, 'junk.safetensors'))).rejects.toThrow(
      /junk\.safetensors: not a valid model file/,
    );
    writeFileSync(join(dir, 'hand.safetensors'), handModelBytes());
    expect(loadModelSync(join(dir, 'hand.safetensors')).tasks.map((t) => t.kind)).toEqual([
      'classification',
      'binary',
      'regression',
    ]);
  });
});
