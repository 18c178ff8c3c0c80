/**
 * Bounded label values: every label the exporter sets comes from a closed list, and anything
 * else becomes `other`, so no id or typo in telemetry can create a series.
 */
import type { LabelSpec } from '../catalog/signals';

/** The value a label takes when the input is not in its list. */
export const OTHER = 'other';

/** Returns a label's allowed values with `other` appended when the list lacks it. */
export function boundedValues(spec: LabelSpec): string[] {
  const values = [...(spec.values ?? [])];
  if (!values.includes(OTHER)) values.push(OTHER);
  return values;
}

/** Returns every combination of the allowed values of `labels`, as label objects. */
export function labelCombinations(labels: readonly LabelSpec[]): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const spec of labels) {
    const next: Record<string, string>[] = [];
    for (const partial of combinations) {
      for (const value of boundedValues(spec)) next.push({ ...partial, [spec.name]: value });
    }
    combinations = next;
  }
  return combinations;
}

/**
 * Folds free label values into a bounded set: the first `maxValues` distinct values are kept,
 * later ones become `other`. For labels of external systems (PostgreSQL application names).
 */
export class LabelFolder {
  private readonly seen = new Set<string>();

  constructor(private readonly maxValues: number) {}

  /** Returns `value` while it fits in the bound, `other` after. */
  fold(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.maxValues) return OTHER;
    this.seen.add(value);
    return value;
  }
}
