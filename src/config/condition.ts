/**
 * Parses `spawn_when` conditions such as `response_time > 100ms` into a catalogue measure, an
 * operator and a threshold in the measure's base unit.
 */
import { findMeasure, measureNames } from '../catalog/measures';
import type { IssueCode } from './errors';
import { kindOfUnit } from './measure-ref';
import type { Comparison, SpawnCondition } from './model';
import { parserFor, QuantityError } from './quantity';
import { didYouMean } from './suggest';

const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*(\S.*?)\s*$/;

/** Problem found in a condition, with its class. */
export interface ConditionProblem {
  code: IssueCode;
  message: string;
}

/** Parses one condition, or returns the problem with it. */
export function parseCondition(text: string): SpawnCondition | ConditionProblem {
  const match = CONDITION.exec(text);
  if (!match) {
    return {
      code: 'invalid-condition',
      message: `condition ${JSON.stringify(text)} is invalid: expected "<measure> <op> <value>" with op >, >=, < or <=, such as "response_time > 100ms"`,
    };
  }
  const [, measure, op, value] = match;
  const spec = findMeasure(measure);
  if (!spec) {
    return {
      code: 'unknown-measure',
      message: `measure "${measure}" in ${JSON.stringify(text)} is not in the catalogue${didYouMean(measure, measureNames())}: expected one of ${measureNames().join(', ')}`,
    };
  }
  try {
    const threshold = parserFor(kindOfUnit(spec.unit))(value);
    return { text, measure, op: op as Comparison, threshold };
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    return { code: err.code, message: `in ${JSON.stringify(text)}: ${err.message}` };
  }
}

/** True when parseCondition returned a problem. */
export function isConditionProblem(
  result: SpawnCondition | ConditionProblem,
): result is ConditionProblem {
  return 'code' in result;
}
