/**
 * Streaming a CSV file from disk into a {@link RowSource}: the file is read in chunks and parsed
 * into typed columns as it arrives, so neither its bytes nor its text are ever held whole.
 */
import { open } from 'node:fs/promises';
import { csvRowReader, type RowSource, type RowSourceOptions } from '../data/row-source.js';
import { FormatError } from '../errors.js';
import { fileError } from './fs.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Reads the CSV file at `path` (UTF-8, the dialect of `parseCsv`) into a {@link RowSource} for
 * `loadTable`. Messages about the content start with `name` (default `path`): `data.csv: line 7: ...`.
 *
 * @throws FileError if the file cannot be read; FormatError for text that is not UTF-8,
 *   malformed CSV, or an empty file; ValueError for bad options.
 */
export async function readCsvFile(
  path: string,
  opts: RowSourceOptions = {},
  name = path,
): Promise<RowSource> {
  const reader = csvRowReader(opts, name);
  let blank = true; // nothing but whitespace so far
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes: Uint8Array, stream: boolean): string => {
    try {
      return decoder.decode(bytes, { stream });
    } catch {
      throw new FormatError(`${name}: the file is not UTF-8 text`);
    }
  };
  let handle: Awaited<ReturnType<typeof open>>;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (err) {
    throw fileError('readCsvFile', 'read', path, err);
  }
  try {
    const buffer = new Uint8Array(CHUNK_BYTES);
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null).catch((err: unknown) => {
        throw fileError('readCsvFile', 'read', path, err);
      });
      if (bytesRead === 0 || reader.done) break;
      const text = decode(buffer.subarray(0, bytesRead), true);
      if (blank) blank = /^[\s\uFEFF]*$/.test(text);
      reader.push(text);
      // After the first chunk, size the columns for the whole file (by its bytes per row so far).
      if (read === 0 && size > bytesRead && reader.rows > 0) {
        reader.reserve(Math.ceil((reader.rows * size * 1.05) / bytesRead) + 16);
      }
      read += bytesRead;
    }
    const rest = decode(new Uint8Array(0), false);
    if (blank && rest.trim() === '') throw new FormatError(`${name}: the file is empty`);
    return reader.finish(rest);
  } finally {
    await handle.close().catch(() => {});
  }
}
