/** Hostile inputs to files, safetensors and the CLI: streams, huge metadata, outputs onto inputs, saves. */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../src/autograd/create.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { CONFIG_KEY } from '../../src/model/config.js';
import { readFileBytes } from '../../src/node/fs.js';
import { loadSafetensors, loadSafetensorsSync, saveSafetensors } from '../../src/node/safetensors.js';
import { FAST, SHAPE_FEATURES, SHAPE_TASKS, SHAPES } from '../cli/helpers.js';
import type { HostileCase } from './classify.js';
import { cli, scratchDir, unchanged } from './fixtures.js';

/** One trained model file (and a copy of the training data) per scratch directory. */
async function trained(): Promise<{ dir: string; model: string; data: string }> {
  const dir = scratchDir();
  const data = join(dir, 'shapes.csv');
  copyFileSync(SHAPES, data);
  await cli(
    ['train', '--data', data, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST, '--save', 'model.safetensors'],
    dir,
  );
  return { dir, model: join(dir, 'model.safetensors'), data };
}

/** The trained model's file with its metadata's hidden sizes replaced (weights unchanged). */
async function withHidden(hidden: number[]): Promise<string> {
  const { dir, model } = await trained();
  const file = await loadSafetensors(model);
  const config = JSON.parse(file.metadata[CONFIG_KEY]);
  config.hidden = hidden;
  const out = join(dir, 'huge.safetensors');
  writeFileSync(
    out,
    encodeSafetensors(file.tensors, { ...file.metadata, [CONFIG_KEY]: JSON.stringify(config) }),
  );
  return out;
}

/** A CLI run that must refuse to write over one of its inputs (exit 2, the input unchanged). */
function refuses(
  id: string,
  argv: (f: { dir: string; model: string; data: string }) => string[],
  victim: 'model' | 'data',
): HostileCase {
  let intact = () => true;
  return {
    id,
    run: async () => {
      const f = await trained();
      intact = unchanged(f[victim]);
      return cli(argv(f), f.dir);
    },
    message: /^exit 2: .*(input|same file)/,
    intact: () => intact(),
  };
}

const withoutHidden = FAST.filter((_, i) => FAST[i] !== '--hidden' && FAST[i - 1] !== '--hidden');
const TMP_RE = /mtlgrad-tmp|\.tmp$/;

export const fileCases: HostileCase[] = [
  // Reads from devices and streams are capped
  { id: "io: loadSafetensors('/dev/zero')", run: () => loadSafetensors('/dev/zero'), message: /MiB|bytes/ },
  {
    id: "io: loadSafetensorsSync('/dev/zero')",
    run: () => loadSafetensorsSync('/dev/zero'),
    message: /MiB|bytes/,
  },
  { id: "io: readFileBytes('/dev/zero')", run: () => readFileBytes('/dev/zero'), message: /MiB|bytes/ },
  {
    id: 'cli: predict --data /dev/zero',
    run: async () => {
      const f = await trained();
      return cli(['predict', '--model', f.model, '--data', '/dev/zero'], f.dir);
    },
    // CSV input is streamed with a cap on the record length; other inputs are capped by bytes.
    message: /MiB|bytes|longer than \d+ characters/,
  },
  {
    id: 'cli: predict --model /dev/zero',
    run: () => cli(['predict', '--model', '/dev/zero', '--data', SHAPES], scratchDir()),
    message: /MiB|bytes/,
  },
  // Sizes checked before allocating
  {
    id: 'cli: predict with metadata hidden [30000, 30000]',
    run: async () =>
      cli(['predict', '--model', await withHidden([30000, 30000]), '--data', SHAPES], scratchDir()),
    message: /hidden/,
  },
  {
    id: 'cli: train --hidden 100000,100000',
    run: () =>
      cli(
        [
          'train',
          '--data',
          SHAPES,
          ...SHAPE_FEATURES,
          ...SHAPE_TASKS,
          ...withoutHidden,
          '--hidden',
          '100000,100000',
        ],
        scratchDir(),
      ),
    message: /10000000000|1e\+?10/,
  },
  // Outputs onto inputs
  refuses(
    'cli: train --save onto --data',
    (f) => ['train', '--data', f.data, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST, '--save', f.data],
    'data',
  ),
  refuses(
    'cli: predict --output onto --model',
    (f) => ['predict', '--model', f.model, '--data', SHAPES, '--output', f.model],
    'model',
  ),
  refuses(
    'cli: predict --output onto --data',
    (f) => ['predict', '--model', f.model, '--data', f.data, '--output', f.data],
    'data',
  ),
  refuses(
    'cli: predict --output through a symlink onto --data',
    (f) => {
      symlinkSync(f.data, join(f.dir, 'link.csv'));
      return ['predict', '--model', f.model, '--data', f.data, '--output', 'link.csv'];
    },
    'data',
  ),
  // Atomic saves
  {
    id: 'io: save over a 0600 file keeps its mode',
    run: async () => {
      const path = join(scratchDir(), 'w.safetensors');
      writeFileSync(path, 'old');
      chmodSync(path, 0o600);
      await saveSafetensors(path, { w: tensor([1]) });
      return statSync(path).mode & 0o777;
    },
    ok: (mode) => mode === 0o600,
  },
  {
    id: 'io: save through a symlink writes its target',
    run: async () => {
      const dir = scratchDir();
      mkdirSync(join(dir, 'real'));
      writeFileSync(join(dir, 'real', 'w.safetensors'), 'old');
      symlinkSync(join(dir, 'real', 'w.safetensors'), join(dir, 'link.safetensors'));
      await saveSafetensors(join(dir, 'link.safetensors'), { w: tensor([1]) });
      const target = await loadSafetensors(join(dir, 'real', 'w.safetensors')).then(
        (f) => f.tensors.w.data[0],
        () => Number.NaN, // the target still holds the old bytes
      );
      return {
        link: lstatSync(join(dir, 'link.safetensors')).isSymbolicLink(),
        target,
        left: readdirSync(dir),
      };
    },
    ok: (r) => {
      const o = r as { link: boolean; target: number; left: string[] };
      return o.link && o.target === 1 && !o.left.some((n) => TMP_RE.test(n));
    },
  },
  {
    id: 'io: a failed save leaves no temp file',
    run: async () => {
      const dir = scratchDir();
      mkdirSync(join(dir, 'w.safetensors'));
      try {
        await saveSafetensors(join(dir, 'w.safetensors'), { w: tensor([1]) });
      } catch {
        // expected: the target is a directory
      }
      return readdirSync(dir);
    },
    ok: (names) => (names as string[]).length === 1,
  },
  {
    id: 'io: a save removes temp files of dead runs, not of live ones',
    run: async () => {
      const dir = scratchDir();
      const dead = `.w.safetensors.mtlgrad-tmp-${2 ** 22 + 12345}-deadbeef`;
      const live = `.w.safetensors.mtlgrad-tmp-${process.pid}-cafebabe`;
      writeFileSync(join(dir, dead), 'orphan');
      writeFileSync(join(dir, live), 'in progress');
      await saveSafetensors(join(dir, 'w.safetensors'), { w: tensor([1]) });
      return { dead: existsSync(join(dir, dead)), live: existsSync(join(dir, live)) };
    },
    ok: (r) =>
      (r as { dead: boolean; live: boolean }).dead === false && (r as { live: boolean }).live === true,
  },
  // Options of safetensors load/decode
  {
    id: 'io: loadSafetensors {maxheaderBytes}',
    run: async () => {
      const path = join(scratchDir(), 'w.safetensors');
      await saveSafetensors(path, { w: tensor([1]) });
      return loadSafetensors(path, { maxheaderBytes: 10 } as never);
    },
    message: /did you mean 'maxHeaderBytes'/,
  },
  {
    id: 'io: decodeSafetensors {integerDtype}',
    run: () => decodeSafetensors(encodeSafetensors({ w: tensor([1]) }), { integerDtype: 'float64' } as never),
    message: /did you mean 'integerDType'/,
  },
];
