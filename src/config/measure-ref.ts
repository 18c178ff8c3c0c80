/**
 * Decides what a rule or trigger measures (a catalogue measure, or its own PromQL) and so which
 * unit its threshold is in.
 */
import { findMeasure, measureNames } from '../catalog/measures';
import type { Unit } from '../catalog/signals';
import type { BuildContext, Path } from './build-context';
import type { Measure } from './model';
import type { QuantityKind } from './quantity';
import { didYouMean } from './suggest';

/** Maps a catalogue unit to the quantity kind its thresholds are written in. */
export function kindOfUnit(unit: Unit): QuantityKind {
  switch (unit) {
    case 'percentunit':
      return 'ratio';
    case 's':
      return 'duration';
    case 'ops':
    case 'reqps':
      return 'rate';
    case 'bytes':
      return 'bytes';
    default:
      return 'count';
  }
}

/**
 * Infers the unit of a threshold from how it is written, for a `query:` override that has no
 * catalogue unit: `80%` is a ratio, `100ms` a duration, `5k/sec` a rate, anything else a count.
 */
export function kindOfText(threshold: unknown): QuantityKind {
  if (typeof threshold !== 'string') return 'count';
  const text = threshold.trim();
  if (text.endsWith('%')) return 'ratio';
  if (/^(<=?|>=?)?\s*(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(text)) return 'duration';
  if (text.includes('/')) return 'rate';
  if (/[kMG]i?B$|\dB$/.test(text)) return 'bytes';
  return 'count';
}

/** Measure of a rule or trigger, with the unit of its threshold. */
export interface MeasureRef {
  measure: Measure;
  kind: QuantityKind;
}

/**
 * Resolves the measure of the entry at `path`: `measure:` if given, else the entry's name. A name
 * the catalogue lacks needs a `query:`; without one the entry is an error.
 */
export function resolveMeasure(
  entry: { name: string; measure?: string; query?: string; threshold: unknown },
  path: Path,
  context: BuildContext,
): MeasureRef | undefined {
  const name = entry.measure ?? entry.name;
  const spec = findMeasure(name);
  if (entry.query !== undefined) context.promql([...path, 'query'], entry.query);
  if (spec) {
    return { measure: withQuery(name, entry.query), kind: kindOfUnit(spec.unit) };
  }
  if (entry.measure !== undefined) {
    context.issue(
      'unknown-measure',
      [...path, 'measure'],
      `measure "${name}" is not in the catalogue${didYouMean(name, measureNames())}: expected one of ${measureNames().join(', ')}`,
    );
    return undefined;
  }
  if (entry.query === undefined) {
    context.issue(
      'unknown-measure',
      path,
      `"${name}" is not a measure of the catalogue${didYouMean(name, measureNames())}: add "measure:" naming one of ${measureNames().join(', ')}, or "query:" with the PromQL that measures it`,
    );
    return undefined;
  }
  const kind = kindOfText(entry.threshold);
  return { measure: { ...withQuery(name, entry.query), thresholdKind: kind }, kind };
}

function withQuery(name: string, query: string | undefined): Measure {
  return query === undefined ? { name } : { name, query };
}
