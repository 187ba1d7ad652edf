/**
 * File helpers for Node: atomic writes and byte reads with errors that name the file.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MtlgradError, ValueError } from '../errors.js';

/** A file could not be read or written. `code` is Node's error code (ENOENT, EISDIR, ...). */
export class FileError extends MtlgradError {
  readonly path: string;
  readonly code: string | undefined;
  constructor(message: string, path: string, code: string | undefined, cause?: unknown) {
    super(message);
    this.path = path;
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/** Most bytes read from a file that is not a regular file (a device, a pipe): 64 MiB. */
export const MAX_STREAM_BYTES = 64 * 2 ** 20;

/**
 * Writes `bytes` to `path` atomically: to a temporary file in the same directory, flushed to disk
 * (fsync), then renamed over `path`. Readers see the old file or the new one, never a partial
 * write; on failure the temporary file is removed and an existing file at `path` is untouched.
 * An existing file keeps its permission bits; a symlink keeps pointing to its target, which gets
 * the new bytes. Temporary files (`.<name>.mtlgrad-tmp-<pid>-<random>`) left in the directory by
 * runs that were killed are removed. Throws a FileError naming the path.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  checkArgs('writeFileAtomic', path, bytes);
  const target = await realpath(path).catch(() => path);
  const mode = await stat(target).then(
    (st) => (st.isFile() ? st.mode & 0o7777 : undefined),
    () => undefined,
  );
  await removeOrphans(dirname(target));
  const tmp = tempPath(target);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(tmp, 'wx', 0o666);
    created = true;
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, target);
    created = false;
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => {});
    if (created) await unlink(tmp).catch(() => {});
    throw fileError('writeFileAtomic', 'write', path, err);
  }
  await syncDirectory(dirname(target));
}

/** Synchronous `writeFileAtomic`. */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  checkArgs('writeFileAtomicSync', path, bytes);
  const target = attempt(() => realpathSync(path)) ?? path;
  const st = attempt(() => statSync(target));
  const mode = st?.isFile() ? st.mode & 0o7777 : undefined;
  removeOrphansSync(dirname(target));
  const tmp = tempPath(target);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    created = true;
    if (mode !== undefined) fchmodSync(fd, mode);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
    created = false;
  } catch (err) {
    if (fd !== undefined) ignore(() => closeSync(fd as number));
    if (created) ignore(() => unlinkSync(tmp));
    throw fileError('writeFileAtomicSync', 'write', path, err);
  }
  syncDirectorySync(dirname(target));
}

/**
 * Reads a whole file as bytes. A file that is not a regular file (a device such as /dev/zero, a
 * pipe) is read up to MAX_STREAM_BYTES, then refused. Throws a FileError naming the path (missing
 * file, directory, too long a stream, ...).
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  checkPath('readFileBytes', path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    if ((await handle.stat()).isFile()) return toBytes(await handle.readFile());
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK, MAX_STREAM_BYTES + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return concatBytes(chunks, total);
      total += bytesRead;
      if (total > MAX_STREAM_BYTES) throw streamTooLong('readFileBytes', path);
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } catch (err) {
    throw err instanceof FileError ? err : fileError('readFileBytes', 'read', path, err);
  } finally {
    if (handle !== undefined) await handle.close().catch(() => {});
  }
}

/** Synchronous `readFileBytes`. */
export function readFileBytesSync(path: string): Uint8Array {
  checkPath('readFileBytesSync', path);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isFile()) return toBytes(readFileSync(fd));
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK, MAX_STREAM_BYTES + 1 - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) return concatBytes(chunks, total);
      total += bytesRead;
      if (total > MAX_STREAM_BYTES) throw streamTooLong('readFileBytesSync', path);
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } catch (err) {
    throw err instanceof FileError ? err : fileError('readFileBytesSync', 'read', path, err);
  } finally {
    if (fd !== undefined) ignore(() => closeSync(fd as number));
  }
}

const CHUNK = 2 ** 20;

function toBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function streamTooLong(fn: string, path: string): FileError {
  return new FileError(
    `${fn}: ${JSON.stringify(path)} is not a regular file (a device or a pipe) and holds more than ${MAX_STREAM_BYTES / 2 ** 20} MiB, the most read from such a file; save the data to a regular file`,
    path,
    'EFBIG',
  );
}

function checkPath(fn: string, path: string): void {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValueError(
      `${fn}: path must be a non-empty string, got ${typeof path === 'string' ? "''" : typeof path}`,
    );
  }
}

function checkArgs(fn: string, path: string, bytes: Uint8Array): void {
  checkPath(fn, path);
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(`${fn}: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
}

const TEMP_MARK = '.mtlgrad-tmp-';
/** `.<name>.mtlgrad-tmp-<pid>-<hex>`: the pid tells a later save whether the writer is still alive. */
const TEMP_RE = /^\..+\.mtlgrad-tmp-(\d+)-[0-9a-f]+$/;

/** A fresh name next to `path`, so the rename stays within one file system. */
function tempPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
}

/** Temporary files in a directory listing whose writing process has died (a killed save). */
function orphans(names: readonly string[]): string[] {
  return names.filter((n) => {
    const m = TEMP_RE.exec(n);
    return m !== null && !processAlive(Number(m[1]));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Removes orphaned temporary files (best effort: a failure here must not fail the save). */
async function removeOrphans(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => []);
  for (const n of orphans(names)) await unlink(join(dir, n)).catch(() => {});
}

function removeOrphansSync(dir: string): void {
  const names = attempt(() => readdirSync(dir)) ?? [];
  for (const n of orphans(names)) ignore(() => unlinkSync(join(dir, n)));
}

/** Makes the rename durable (best effort: not every platform can open a directory). */
async function syncDirectory(dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch {
    // ignored: durability of the directory entry is an optimisation, not a requirement
  } finally {
    if (h !== undefined) await h.close().catch(() => {});
  }
}

function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // ignored, as in syncDirectory
  } finally {
    if (fd !== undefined) ignore(() => closeSync(fd as number));
  }
}

/** `f()`, or undefined when it throws. */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function ignore(f: () => void): void {
  try {
    f();
  } catch {
    // ignored
  }
}

/** The FileError for a failed read or write of `path`, worded by Node's error code. */
export function fileError(fn: string, action: 'read' | 'write', path: string, err: unknown): FileError {
  const code = (err as { code?: unknown } | null)?.code;
  const c = typeof code === 'string' ? code : undefined;
  const shown = JSON.stringify(path);
  let why: string;
  switch (c) {
    case 'ENOENT':
      why =
        action === 'read'
          ? `file not found: ${shown}`
          : `directory ${JSON.stringify(dirname(path))} does not exist`;
      break;
    case 'EISDIR':
      why = `${shown} is a directory, expected a file`;
      break;
    case 'ENOTDIR':
      why = `a component of ${shown} is not a directory`;
      break;
    case 'EACCES':
    case 'EPERM':
      why = `permission denied to ${action} ${shown}`;
      break;
    case 'ENOSPC':
      why = `no space left on the device to write ${shown}`;
      break;
    default:
      why = `cannot ${action} ${shown}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return new FileError(`${fn}: ${why}`, path, c, err);
}
