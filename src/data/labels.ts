/**
 * Class and category lists: the default order of labels, and how a binary task's two labels
 * become 0 and 1.
 */
import { ValueError } from '../errors.js';
import { cellNumber, quoteList } from './cells.js';
import type { TaskColumn } from './table.js';

function isNumericLabel(s: string): boolean {
  return cellNumber(s) !== null;
}

/**
 * The order used for class and category lists that are not given explicitly: if every label looks
 * like a decimal number, numeric order ("2" before "10"; equal numbers such as "1" and "1.0" by
 * text); otherwise by UTF-16 code units ("B" before "a"), independent of the locale.
 */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  if (list.length > 0 && list.every(isNumericLabel)) {
    return list.sort((a, b) => Number(a) - Number(b) || compareLabels(a, b));
  }
  return list.sort(compareLabels);
}

/** Code-unit comparison of two labels (the non-numeric case of {@link sortLabels}). */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a task's labels map to values: the class list and each label's value (undefined: not allowed). */
export interface LabelEncoding {
  classes: string[];
  value(label: string): number | undefined;
}

/** Classification: index into the given classes, else into the sorted distinct labels. */
export function classEncoding(spec: TaskColumn, labels: readonly string[]): LabelEncoding {
  const classes = spec.classes !== undefined ? [...spec.classes] : sortLabels(labels);
  const index = new Map(classes.map((c, i) => [c, i] as const));
  return { classes, value: (s) => index.get(s) };
}

/**
 * Binary: the two labels as 0 and 1, as described on {@link TaskColumn}. `labels` are the
 * distinct labels present; `where` names the task in messages.
 *
 * @throws ValueError for more than two labels, or a single one without `positive` or `classes`.
 */
export function binaryEncoding(spec: TaskColumn, labels: readonly string[], where: string): LabelEncoding {
  const sorted = sortLabels(labels);
  if (spec.classes !== undefined) {
    const positive = spec.positive ?? spec.classes[1];
    const negative = spec.classes[0] === positive ? spec.classes[1] : spec.classes[0];
    return classEncoding({ ...spec, classes: [negative, positive] }, sorted);
  }
  if (spec.positive !== undefined) {
    const positive = spec.positive;
    const others = sorted.filter((s) => s !== positive);
    if (others.length > 1) {
      throw new ValueError(
        `loadTable: binary ${where}: besides the positive label ${JSON.stringify(positive)} there are ${others.length} labels (${quoteList(others)}); ` +
          "a binary task has exactly one negative label. Use kind: 'classification', or mark extra values as missing with `missingValues`.",
      );
    }
    return { classes: [others[0] ?? `not ${positive}`, positive], value: (s) => (s === positive ? 1 : 0) };
  }
  if (sorted.every((s) => isNumericLabel(s) && (Number(s) === 0 || Number(s) === 1))) {
    return { classes: ['0', '1'], value: (s) => Number(s) };
  }
  if (sorted.every((s) => s.toLowerCase() === 'true' || s.toLowerCase() === 'false')) {
    return { classes: ['false', 'true'], value: (s) => (s.toLowerCase() === 'true' ? 1 : 0) };
  }
  if (sorted.length > 2) {
    throw new ValueError(
      `loadTable: binary ${where} has ${sorted.length} distinct labels (${quoteList(sorted)}); a binary task needs two. ` +
        "Use kind: 'classification', or mark extra values as missing with `missingValues`.",
    );
  }
  if (sorted.length < 2) {
    throw new ValueError(
      `loadTable: binary ${where} has a single label ${JSON.stringify(sorted[0])}; pass \`positive\` (or \`classes\`) to say which class it is`,
    );
  }
  return { classes: sorted, value: (s) => (s === sorted[1] ? 1 : 0) };
}
