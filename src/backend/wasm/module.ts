/**
 * Assembles a WebAssembly module from functions written with {@link Code}: the type, import,
 * function, memory, export and code sections (spec §5.5). Kernels import or define one memory.
 */
import { Code, VALTYPE, type ValType } from './code.js';
import { nameBytes, section, unsignedLeb, vector } from './encoding.js';

export interface MemorySpec {
  /** Initial size in 64 KiB pages. */
  initial: number;
  /** Maximum size in pages (required when shared). */
  maximum?: number;
  /** A SharedArrayBuffer-backed memory for threads. */
  shared?: boolean;
  /** Import it as env.memory instead of defining it (so several instances can share one). */
  imported?: boolean;
}

interface FunctionEntry {
  name: string;
  code: Code;
  results: ValType[];
  exported: boolean;
}

export class ModuleBuilder {
  private readonly functions: FunctionEntry[] = [];
  private memory: MemorySpec | null = null;

  /** Declares the module's memory (exported as "memory" when defined here). */
  setMemory(spec: MemorySpec): this {
    if (spec.shared && spec.maximum === undefined)
      throw new Error('ModuleBuilder: a shared memory needs a maximum');
    this.memory = spec;
    return this;
  }

  /** Adds a function; `body` writes its instructions. Returns its index for calls. */
  addFunction(
    name: string,
    params: readonly ValType[],
    results: readonly ValType[],
    body: (code: Code) => void,
    exported = true,
  ): number {
    const code = new Code(params);
    body(code);
    this.functions.push({ name, code, results: [...results], exported });
    return this.functions.length - 1;
  }

  /** The module's bytes. */
  encode(): Uint8Array {
    const fns = this.functions;
    const types = fns.map((f) => [0x60, ...valTypes(f.code.params), ...valTypes(f.results)]);
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    out.push(...section(1, vector(types)));
    const mem = this.memory;
    if (mem?.imported) {
      out.push(...section(2, vector([[...nameBytes('env'), ...nameBytes('memory'), 0x02, ...limits(mem)]])));
    }
    out.push(...section(3, vector(fns.map((_, i) => unsignedLeb(i)))));
    if (mem && !mem.imported) out.push(...section(5, vector([limits(mem)])));
    const exports = fns.flatMap((f, i) =>
      f.exported ? [[...nameBytes(f.name), 0x00, ...unsignedLeb(i)]] : [],
    );
    if (mem && !mem.imported) exports.push([...nameBytes('memory'), 0x02, 0]);
    out.push(...section(7, vector(exports)));
    out.push(...section(10, vector(fns.map((f) => f.code.encode()))));
    return Uint8Array.from(out);
  }
}

function valTypes(list: readonly ValType[]): number[] {
  return vector(list.map((t) => [VALTYPE[t]]));
}

function limits(m: MemorySpec): number[] {
  const flags = (m.maximum !== undefined ? 1 : 0) | (m.shared ? 2 : 0);
  const out = [flags, ...unsignedLeb(m.initial)];
  if (m.maximum !== undefined) out.push(...unsignedLeb(m.maximum));
  return out;
}
