/**
 * Errors of the command-line interface and how they become one line on stderr.
 *
 * Exit codes: 0 success, 1 a data or file problem (or an unexpected error), 2 a usage error
 * (unknown flag, missing or malformed option value).
 */
import { MtlgradError } from '../../errors.js';

/** Exit status for a bad command line. */
export const EXIT_USAGE = 2;
/** Exit status for bad data, an unreadable or corrupt file, or an unexpected failure. */
export const EXIT_FAILURE = 1;

/** A bad command line: unknown flag, missing required option, malformed value. Exit status 2. */
export class UsageError extends MtlgradError {}

/** A problem with the input data or a file that the CLI detected itself. Exit status 1. */
export class DataError extends MtlgradError {}

/**
 * The message of an error as one line: internal function prefixes (`loadTable: `,
 * `readFileBytes: `) are dropped, since a CLI user never called those functions, and line breaks
 * are folded into spaces.
 */
export function oneLine(message: string): string {
  let m = message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  // `loadTable: `, `readFileBytesSync: `, `HardSharing.build: `: camelCase identifiers, not prose.
  for (;;) {
    const stripped = m.replace(
      /^(?:[a-z]+[A-Z][A-Za-z]*|[A-Z][A-Za-z]*\.[a-z][A-Za-z]*|stratify|tasks): /,
      '',
    );
    if (stripped === m) break;
    m = stripped;
  }
  for (const [api, cli] of CLI_WORDING) m = m.replaceAll(api, cli);
  return m;
}

/** Advice written for library callers (option names), and how it reads on the command line. */
const CLI_WORDING: readonly (readonly [string, string])[] = [
  [
    "Use kind: 'classification', or mark extra values as missing with `missingValues`.",
    'Use --task NAME:classification, or leave the extra values empty (empty cells are missing labels).',
  ],
  [
    'list it in `categorical` to one-hot encode it; if the value means "missing", add it to `missingValues`',
    'add it to --categorical to one-hot encode it; if the value means "missing", leave the cell empty or write NA',
  ],
  [' (corrupt file, or raise maxHeaderBytes)', ' (a corrupt file, or not a model saved by mtlgrad train)'],
];

/** Exit status and stderr line for an error thrown by a command. */
export function describeError(err: unknown): { code: number; line: string } {
  if (err instanceof UsageError) return { code: EXIT_USAGE, line: `mtlgrad: ${oneLine(err.message)}` };
  if (err instanceof MtlgradError) return { code: EXIT_FAILURE, line: `mtlgrad: ${oneLine(err.message)}` };
  const message = err instanceof Error ? err.message : String(err);
  return { code: EXIT_FAILURE, line: `mtlgrad: unexpected error: ${oneLine(message)}` };
}
