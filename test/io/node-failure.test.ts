/**
 * Atomic writes under injected I/O failures after the temporary file exists: the old file must
 * survive byte for byte and the temporary file must be removed.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { FileError, writeFileAtomic, writeFileAtomicSync } from '../../src/node/fs.js';
import { saveSafetensors, saveSafetensorsSync } from '../../src/node/index.js';

type Fault = 'none' | 'write' | 'sync' | 'rename';
const fault = vi.hoisted(() => ({
  kind: 'none' as 'none' | 'write' | 'sync' | 'rename',
  tempSeen: [] as string[],
}));

function ioError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated failure`), { code });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof actual.open = async (...args) => {
    const handle = await actual.open(...args);
    if (String(args[0]).includes('.mtlgrad-tmp-')) fault.tempSeen.push(String(args[0]));
    if (fault.kind === 'write') {
      // Write half of the data for real, then fail as a full disk would.
      handle.writeFile = async (data: unknown) => {
        const b = data as Uint8Array;
        await handle.write(b, 0, b.length >> 1);
        throw ioError('ENOSPC');
      };
    }
    if (fault.kind === 'sync') handle.sync = async () => Promise.reject(ioError('EIO'));
    return handle;
  };
  const rename: typeof actual.rename = async (from, to) => {
    if (fault.kind === 'rename') throw ioError('EXDEV');
    return actual.rename(from, to);
  };
  return { ...actual, open, rename, default: { ...actual, open, rename } };
});

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const openSync: typeof actual.openSync = (...args: Parameters<typeof actual.openSync>) => {
    const fd = actual.openSync(...args);
    if (String(args[0]).includes('.mtlgrad-tmp-')) fault.tempSeen.push(String(args[0]));
    return fd;
  };
  const writeSync = ((fd: number, buf: Uint8Array, off?: number, len?: number) => {
    if (fault.kind === 'write') {
      actual.writeSync(fd, buf, off ?? 0, Math.max(0, (len ?? buf.length) >> 1));
      throw ioError('ENOSPC');
    }
    return actual.writeSync(fd, buf, off, len);
  }) as typeof actual.writeSync;
  const fsyncSync: typeof actual.fsyncSync = (fd) => {
    if (fault.kind === 'sync') throw ioError('EIO');
    return actual.fsyncSync(fd);
  };
  const renameSync: typeof actual.renameSync = (from, to) => {
    if (fault.kind === 'rename') throw ioError('EXDEV');
    return actual.renameSync(from, to);
  };
  const patched = { openSync, writeSync, fsyncSync, renameSync };
  return { ...actual, ...patched, default: { ...actual, ...patched } };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtlgrad-io-fail-'));
  fault.kind = 'none';
  fault.tempSeen = [];
});
afterEach(async () => {
  fault.kind = 'none';
  await rm(dir, { recursive: true, force: true });
});

const faults: [Fault, string, RegExp][] = [
  ['write', 'ENOSPC', /no space left/],
  ['sync', 'EIO', /cannot write .*EIO/],
  ['rename', 'EXDEV', /cannot write .*EXDEV/],
];

describe('atomic writes under injected failures', () => {
  for (const sync of [false, true]) {
    const write = sync
      ? async (p: string, b: Uint8Array) => writeFileAtomicSync(p, b)
      : (p: string, b: Uint8Array) => writeFileAtomic(p, b);
    for (const [kind, code, message] of faults) {
      it(`${sync ? 'sync' : 'async'}: a failing ${kind} keeps the old file and removes the temp file`, async () => {
        const path = join(dir, 'weights.bin');
        const old = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
        await writeFile(path, old);
        fault.kind = kind;
        const err = await write(path, new Uint8Array(5000).fill(0xab)).catch((e: unknown) => e);
        fault.kind = 'none';
        expect(err).toBeInstanceOf(FileError);
        expect((err as FileError).code).toBe(code);
        expect((err as FileError).message).toMatch(message);
        expect((err as FileError).cause).toBeInstanceOf(Error);
        expect(fault.tempSeen.length).toBe(1); // the temp file was really created...
        expect(new Uint8Array(await readFile(path))).toEqual(old);
        expect(await readdir(dir)).toEqual(['weights.bin']); // ...and removed
      });
    }
  }

  it('a failed saveSafetensors leaves the previous checkpoint loadable', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await saveSafetensors(path, { w: new Tensor(new Float32Array([1, 2]), [2]) });
    const before = await readFile(path);
    fault.kind = 'rename';
    await expect(saveSafetensors(path, { w: new Tensor(new Float32Array([3, 4]), [2]) })).rejects.toThrow(
      FileError,
    );
    expect(() => saveSafetensorsSync(path, { w: new Tensor(new Float32Array([5]), [1]) })).toThrow(FileError);
    fault.kind = 'none';
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
  });
});
