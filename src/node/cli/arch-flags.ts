/**
 * The `--arch` flags of `mtlgrad train`: the architecture, its tower and the options it reads, checked against
 * the architecture table (src/mtl/arch-registry.ts).
 */

import {
  ARCH_OPTIONS,
  ARCHITECTURE_NAMES,
  ARCHITECTURES,
  type ArchitectureName,
  type ArchOption,
  architectureOfCli,
} from '../../mtl/arch-registry.js';
import { closest } from '../../options.js';
import { flagValue, type ParsedArgs, parseInteger, splitList } from './args.js';
import { UsageError } from './errors.js';

/** The CLI flag of each option. */
export const ARCH_FLAGS: Record<ArchOption, string> = {
  experts: 'experts',
  taskExperts: 'task-experts',
  levels: 'levels',
  k: 'k',
};

/** Defaults of the options when the chosen architecture reads them. */
export const ARCH_DEFAULTS: Record<ArchOption, number> = { experts: 4, taskExperts: 1, levels: 2, k: 2 };

/** The architecture part of `mtlgrad train`'s options. */
export interface ArchChoice {
  architecture: ArchitectureName;
  /** --tower sizes ([] for linear heads). */
  tower: number[];
  experts?: number;
  taskExperts?: number;
  levels?: number;
  k?: number;
}

/** The `--arch` values of the architectures that read `option`. */
function readers(option: ArchOption): string[] {
  return ARCHITECTURE_NAMES.filter((a) => ARCHITECTURES[a].options[option] !== undefined).map(
    (a) => ARCHITECTURES[a].cli,
  );
}

/**
 * Reads --arch, --tower and the options of the chosen architecture (defaults applied).
 * @throws UsageError for an unknown architecture, an option it does not read, or a value out of range.
 */
export function parseArchFlags(args: ParsedArgs): ArchChoice {
  const cli = flagValue(args, 'arch') ?? 'hard';
  const architecture = architectureOfCli(cli);
  const names = ARCHITECTURE_NAMES.map((a) => ARCHITECTURES[a].cli);
  if (architecture === undefined) {
    const c = closest(cli, names);
    throw new UsageError(
      `--arch: unknown value '${cli}'${c ? ` (did you mean '${c}'?)` : ''}; choose one of ${names.join(', ')}`,
    );
  }
  const towerText = flagValue(args, 'tower');
  const tower =
    towerText === undefined ? [] : splitList(towerText, 'tower').map((h) => parseInteger(h, 'tower', 1));
  const choice: ArchChoice = { architecture, tower };
  const reads = ARCHITECTURES[architecture].options;
  for (const name of ARCH_OPTIONS) {
    const flag = ARCH_FLAGS[name];
    const text = flagValue(args, flag);
    const min = reads[name];
    if (min === undefined) {
      if (text !== undefined)
        throw new UsageError(
          `--${flag} does not apply to --arch ${cli} (only to ${readers(name).join(', ')})`,
        );
      continue;
    }
    choice[name] = text === undefined ? ARCH_DEFAULTS[name] : parseInteger(text, flag, min);
  }
  if (choice.k !== undefined && choice.k > (choice.experts as number))
    throw new UsageError(`--k ${choice.k} is more than the ${choice.experts} experts (--experts)`);
  return choice;
}

/** `mmoe, 4 experts` or `ple, 4 shared experts, 1 per task, 2 levels`: the architecture in words. */
export function describeArchitecture(choice: ArchChoice): string {
  const entry = ARCHITECTURES[choice.architecture];
  const parts = [entry.cli];
  const cgcLike = choice.architecture === 'cgc' || choice.architecture === 'ple';
  if (choice.experts !== undefined) parts.push(`${choice.experts} ${cgcLike ? 'shared ' : ''}experts`);
  if (choice.taskExperts !== undefined) parts.push(`${choice.taskExperts} per task`);
  if (choice.levels !== undefined) parts.push(`${choice.levels} levels`);
  if (choice.k !== undefined) parts.push(`k ${choice.k}`);
  if (choice.tower.length > 0) parts.push(`towers ${choice.tower.join(',')}`);
  return parts.join(', ');
}
