import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { FormatError, ValueError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';
import {
  FileError,
  loadSafetensors,
  loadSafetensorsSync,
  readFileBytes,
  readFileBytesSync,
  saveSafetensors,
  saveSafetensorsSync,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../src/node/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtlgrad-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const weights = () => ({
  'layer.weight': new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
  'layer.bias': new Tensor(new Float64Array([-0.5, 0.25]), [2]),
});

/** A minimal stand-in for an nn.Module: only stateDict() matters to saveSafetensors. */
class FakeModule {
  readonly w = new Tensor(new Float32Array([7, 8]), [2], true);
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = Object.create(null);
    out['fc.weight'] = this.w;
    return out;
  }
}

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips a record of tensors with metadata through a file', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, weights(), { epoch: '3' });
    const { tensors, metadata, dtypes } = await loadSafetensors(path);
    expect(Array.from(tensors['layer.weight'].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensors['layer.weight'].shape).toEqual([2, 3]);
    expect(tensors['layer.bias'].dtype).toBe('float64');
    expect(dtypes['layer.bias']).toBe('F64');
    expect({ ...metadata }).toEqual({ epoch: '3' });
    // The file holds exactly the encoder's bytes.
    expect(new Uint8Array(await readFile(path))).toEqual(encodeSafetensors(weights(), { epoch: '3' }));
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('saves a module through its stateDict()', async () => {
    const path = join(dir, 'm.safetensors');
    await saveSafetensors(path, new FakeModule());
    const { tensors } = await loadSafetensors(path);
    expect(Object.keys(tensors)).toEqual(['fc.weight']);
    expect(Array.from(tensors['fc.weight'].data)).toEqual([7, 8]);
  });

  it('has synchronous twins that write the same bytes', async () => {
    const a = join(dir, 'a.safetensors');
    const b = join(dir, 'b.safetensors');
    await saveSafetensors(a, weights(), { k: 'v' });
    saveSafetensorsSync(b, weights(), { k: 'v' });
    expect(await readFile(b)).toEqual(await readFile(a));
    const r = loadSafetensorsSync(b);
    expect(Array.from(r.tensors['layer.bias'].data)).toEqual([-0.5, 0.25]);
    saveSafetensorsSync(join(dir, 'c.safetensors'), new FakeModule());
    expect(Object.keys(loadSafetensorsSync(join(dir, 'c.safetensors')).tensors)).toEqual(['fc.weight']);
    expect((await readdir(dir)).sort()).toEqual(['a.safetensors', 'b.safetensors', 'c.safetensors']);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'x.safetensors');
    await saveSafetensors(path, weights());
    await saveSafetensors(path, new FakeModule());
    expect(Object.keys((await loadSafetensors(path)).tensors)).toEqual(['fc.weight']);
    expect(await readdir(dir)).toEqual(['x.safetensors']);
  });

  it('reports a corrupt file as a FormatError that names the path', async () => {
    const path = join(dir, 'bad.safetensors');
    const good = encodeSafetensors(weights());
    await writeFile(path, good.subarray(0, good.length - 1));
    await expect(loadSafetensors(path)).rejects.toThrow(FormatError);
    await expect(loadSafetensors(path)).rejects.toThrow(`${path}: safetensors: `);
    expect(() => loadSafetensorsSync(path)).toThrow(
      /bad\.safetensors: safetensors: .*outside the data section/,
    );
  });

  it('reports a missing file as a FileError naming it', async () => {
    const path = join(dir, 'nope.safetensors');
    await expect(loadSafetensors(path)).rejects.toThrow(FileError);
    await expect(loadSafetensors(path)).rejects.toThrow(`file not found: "${path}"`);
    expect(() => loadSafetensorsSync(path)).toThrow(/file not found/);
  });

  it('rejects bad sources and encoder errors before touching the disk', async () => {
    const path = join(dir, 'x.safetensors');
    await expect(saveSafetensors(path, null as unknown as Record<string, Tensor>)).rejects.toThrow(
      ValueError,
    );
    await expect(saveSafetensors(path, { '': weights()['layer.bias'] })).rejects.toThrow(ValueError);
    expect(() => saveSafetensorsSync(path, { a: 1 as unknown as Tensor })).toThrow(ValueError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileAtomic / readFileBytes', () => {
  for (const sync of [false, true]) {
    const write = sync
      ? async (p: string, b: Uint8Array) => writeFileAtomicSync(p, b)
      : (p: string, b: Uint8Array) => writeFileAtomic(p, b);
    const read = sync ? async (p: string) => readFileBytesSync(p) : (p: string) => readFileBytes(p);
    const label = sync ? 'sync' : 'async';

    it(`${label}: writes and reads bytes, including an empty file`, async () => {
      const path = join(dir, 'f.bin');
      await write(path, Uint8Array.from([1, 2, 3]));
      const got = await read(path);
      expect(got.constructor).toBe(Uint8Array);
      expect(Array.from(got)).toEqual([1, 2, 3]);
      await write(path, new Uint8Array(0));
      expect((await read(path)).length).toBe(0);
      const big = new Uint8Array(3 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
      await write(path, big);
      expect(Buffer.from(await read(path)).equals(big)).toBe(true); // toEqual is slow on megabytes
      expect(await readdir(dir)).toEqual(['f.bin']);
    });

    it(`${label}: fails cleanly when the directory does not exist`, async () => {
      const path = join(dir, 'missing', 'f.bin');
      const err = await write(path, Uint8Array.from([1])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileError);
      expect((err as FileError).code).toBe('ENOENT');
      expect((err as FileError).path).toBe(path);
      expect((err as FileError).message).toContain(`directory "${join(dir, 'missing')}" does not exist`);
      expect(await readdir(dir)).toEqual([]);
    });

    it(`${label}: fails cleanly when the path is a directory, leaving it and no temp file`, async () => {
      const target = join(dir, 'sub');
      await mkdir(target);
      await writeFile(join(target, 'keep.txt'), 'old');
      const err = await write(target, Uint8Array.from([1, 2])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileError);
      expect((err as FileError).message).toMatch(/is a directory|cannot write/);
      expect((await stat(target)).isDirectory()).toBe(true);
      expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('old');
      expect(await readdir(dir)).toEqual(['sub']);
    });

    it(`${label}: leaves an existing file intact when the write fails`, async () => {
      // A path through an existing *file* (ENOTDIR) fails at the temp-file stage.
      const path = join(dir, 'model.safetensors');
      const old = encodeSafetensors(weights());
      await writeFile(path, old);
      const err = await write(join(path, 'child'), Uint8Array.from([9])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileError);
      expect((err as FileError).code).toBe('ENOTDIR');
      expect(new Uint8Array(await readFile(path))).toEqual(old);
      expect(decodeSafetensors(await read(path)).tensors['layer.weight'].shape).toEqual([2, 3]);
      expect(await readdir(dir)).toEqual(['model.safetensors']);
    });

    it(`${label}: reports a missing file or a directory by name`, async () => {
      const missing = join(dir, 'absent.bin');
      const e1 = await read(missing).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(FileError);
      expect((e1 as FileError).message).toContain(`file not found: "${missing}"`);
      expect((e1 as FileError).code).toBe('ENOENT');
      const e2 = await read(dir).catch((e: unknown) => e);
      expect(e2).toBeInstanceOf(FileError);
      expect((e2 as FileError).message).toContain('is a directory');
    });

    it(`${label}: rejects bad arguments with a ValueError`, async () => {
      await expect(write('', Uint8Array.from([1]))).rejects.toThrow(ValueError);
      await expect(write(join(dir, 'x'), [1, 2] as unknown as Uint8Array)).rejects.toThrow(ValueError);
      await expect(read('')).rejects.toThrow(ValueError);
      await expect(read(3 as unknown as string)).rejects.toThrow(ValueError);
    });
  }
});
