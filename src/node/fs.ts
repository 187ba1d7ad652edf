/**
 * File helpers for Node: atomic writes and byte reads with errors that name the file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
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

/**
 * Writes `bytes` to `path` atomically: to a temporary file in the same directory, flushed to disk
 * (fsync), then renamed over `path`. Readers see the old file or the new one, never a partial
 * write; on failure the temporary file is removed and an existing file at `path` is untouched.
 * Throws a FileError naming the path.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  checkArgs('writeFileAtomic', path, bytes);
  const tmp = tempPath(path);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(tmp, 'wx', 0o666);
    created = true;
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
    created = false;
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => {});
    if (created) await unlink(tmp).catch(() => {});
    throw fileError('writeFileAtomic', 'write', path, err);
  }
  await syncDirectory(dirname(path));
}

/** Synchronous `writeFileAtomic`. */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  checkArgs('writeFileAtomicSync', path, bytes);
  const tmp = tempPath(path);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    created = true;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    created = false;
  } catch (err) {
    if (fd !== undefined) ignore(() => closeSync(fd as number));
    if (created) ignore(() => unlinkSync(tmp));
    throw fileError('writeFileAtomicSync', 'write', path, err);
  }
  syncDirectorySync(dirname(path));
}

/** Reads a whole file as bytes. Throws a FileError naming the path (missing file, directory, ...). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  checkPath('readFileBytes', path);
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw fileError('readFileBytes', 'read', path, err);
  }
}

/** Synchronous `readFileBytes`. */
export function readFileBytesSync(path: string): Uint8Array {
  checkPath('readFileBytesSync', path);
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw fileError('readFileBytesSync', 'read', path, err);
  }
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

/** A fresh name next to `path`: `.name.<random>.tmp`, so the rename stays within one file system. */
function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
