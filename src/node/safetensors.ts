/**
 * safetensors files on disk: atomic saves and validated loads (see `src/io/safetensors.ts`).
 */
import type { Tensor } from '../autograd/tensor.js';
import { FormatError, ValueError } from '../errors.js';
import {
  DECODE_OPTIONS,
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
} from '../io/safetensors.js';
import { checkOptionKeys } from '../options.js';
import { readFileBytes, readFileBytesSync, writeFileAtomic, writeFileAtomicSync } from './fs.js';

/** What `saveSafetensors` accepts: a record of tensors, or a module (anything with `stateDict()`). */
export type TensorSource =
  | Record<string, Tensor>
  | {
      /** The tensors to save. */
      stateDict(): Record<string, Tensor>;
    };

/**
 * Saves tensors (or `module.stateDict()`) and optional string metadata to a safetensors file,
 * atomically: an existing file is replaced only once the new one is complete on disk.
 */
export async function saveSafetensors(
  path: string,
  source: TensorSource,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensorsOf('saveSafetensors', source), metadata));
}

/** Synchronous `saveSafetensors`. */
export function saveSafetensorsSync(
  path: string,
  source: TensorSource,
  metadata?: Record<string, string>,
): void {
  writeFileAtomicSync(path, encodeSafetensors(tensorsOf('saveSafetensorsSync', source), metadata));
}

/**
 * Loads and validates a safetensors file. Throws a FileError if it cannot be read and a
 * FormatError (prefixed with the path) if it is not a valid safetensors file.
 */
export async function loadSafetensors(
  path: string,
  options?: DecodeSafetensorsOptions,
): Promise<DecodedSafetensors> {
  checkOptionKeys('loadSafetensors', options, DECODE_OPTIONS);
  return decodeAt(path, await readFileBytes(path), options);
}

/** Synchronous `loadSafetensors`. */
export function loadSafetensorsSync(path: string, options?: DecodeSafetensorsOptions): DecodedSafetensors {
  checkOptionKeys('loadSafetensorsSync', options, DECODE_OPTIONS);
  return decodeAt(path, readFileBytesSync(path), options);
}

function decodeAt(
  path: string,
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions | undefined,
): DecodedSafetensors {
  try {
    return decodeSafetensors(bytes, options);
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError(`${path}: ${err.message}`);
    throw err;
  }
}

function tensorsOf(fn: string, source: TensorSource): Record<string, Tensor> {
  if (source === null || typeof source !== 'object') {
    throw new ValueError(
      `${fn}: expected a record of tensors or a module with stateDict(), got ${String(source)}`,
    );
  }
  const sd = (source as { stateDict?: unknown }).stateDict;
  if (typeof sd === 'function') return (sd as () => Record<string, Tensor>).call(source);
  return source as Record<string, Tensor>;
}
