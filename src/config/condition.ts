/**
 * Parses `spawn_when` conditions such as `response_time > 100ms` into a catalogue measure, an
 * operator and a threshold in the measure's base unit.
 */
import { findMeasure, measureNames } from '../catalog/measures';
import type { BuildContext, Path } from './build-context';
import type { Comparison, SpawnCondition } from './model';
import { kindOfUnit } from './measure-ref';
import { didYouMean } from './suggest';

const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*(\S.*?)\s*$/;

/** Parses one condition; undefined when invalid, with the issue recorded at `path`. */
export function parseCondition(text: string, path: Path, context: BuildContext): SpawnCondition | undefined {
  const match = CONDITION.exec(text);
  if (!match) {
    context.issue(
      'invalid-condition',
      path,
      `condition ${JSON.stringify(text)} is invalid: expected "<measure> <op> <value>" with op >, >=, < or <=, such as "response_time > 100ms"`,
    );
    return undefined;
  }
  const [, measure, op, value] = match;
  const spec = findMeasure(measure);
  if (!spec) {
    context.issue(
      'unknown-measure',
      path,
      `measure "${measure}" in ${JSON.stringify(text)} is not in the catalogue${didYouMean(measure, measureNames())}: expected one of ${measureNames().join(', ')}`,
    );
    return undefined;
  }
  const threshold = context.quantity(path, kindOfUnit(spec.unit), value);
  if (threshold === undefined) return undefined;
  return { text, measure, op: op as Comparison, threshold };
}
