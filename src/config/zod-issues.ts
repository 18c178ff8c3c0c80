/**
 * Turns zod validation issues into config issues that name the key, the value as written and
 * what is accepted, with "did you mean" for misspelt keys and enum values.
 */
import type { z } from 'zod';

import type { ConfigIssue } from './errors';
import { didYouMean } from './suggest';
import type { YamlSource } from './yaml-source';

type Path = (string | number)[];
type ZodIssue = z.core.$ZodIssue;

const KNOWN_KEYS = 'known-keys:';

/**
 * Error map for `safeParse`: records the keys an object accepts on its unknown-key issues, which
 * zod does not keep, so that the message can suggest the nearest one.
 */
export function knownKeysErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)
    ?._zod?.def;
  return KNOWN_KEYS + Object.keys(def?.shape ?? {}).join(',');
}

/** Converts every zod issue; `raw` is the data that was validated, for quoting values. */
export function convertZodIssues(
  issues: readonly ZodIssue[],
  raw: unknown,
  source: YamlSource,
): ConfigIssue[] {
  return issues.flatMap((issue) => convert(issue, [], raw, source));
}

function convert(issue: ZodIssue, prefix: Path, raw: unknown, source: YamlSource): ConfigIssue[] {
  const path = [
    ...prefix,
    ...issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
  ];
  const value = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKey([...path, key], issue.message, source));
    case 'invalid_union':
      return convertUnion(issue.errors, path, value, raw, source);
    case 'invalid_type':
      if (value === undefined) {
        return [
          {
            code: 'missing-key',
            message: `required key "${String(path[path.length - 1])}" is missing: add it with ${describeType(issue.expected)} as its value`,
            source: source.locate(path),
          },
        ];
      }
      return [wrongType(path, issue.expected, value, source)];
    case 'invalid_value': {
      const accepted = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
      return [
        invalid(
          path,
          `value ${show(value)} is not accepted${hint}: expected one of ${accepted.join(', ')}`,
          source,
        ),
      ];
    }
    case 'too_small':
      return [
        invalid(path, `value ${show(value)} is too small: expected ${minimum(issue)}`, source),
      ];
    case 'too_big':
      return [
        invalid(
          path,
          `value ${show(value)} is too large: expected at most ${String(issue.maximum)}`,
          source,
        ),
      ];
    case 'custom': {
      const code =
        (issue.params as { issueCode?: ConfigIssue['code'] } | undefined)?.issueCode ??
        'invalid-value';
      return [{ code, message: issue.message, source: source.locate(path) }];
    }
    case 'invalid_key':
      return [
        {
          code: 'invalid-value',
          message: `name ${show(path[path.length - 1])} is invalid: rule and trigger names become alert names, so use letters, digits and "_", such as "actor_load"`,
          source: source.locateKey(path),
        },
      ];
    case 'invalid_format':
      return [invalid(path, `value ${show(value)} is invalid: ${issue.message}`, source)];
    default:
      return [invalid(path, `value ${show(value)} is invalid: ${issue.message}`, source)];
  }
}

function unknownKey(path: Path, message: string, source: YamlSource): ConfigIssue {
  const known = message.startsWith(KNOWN_KEYS)
    ? message.slice(KNOWN_KEYS.length).split(',').filter(Boolean)
    : [];
  const key = String(path[path.length - 1]);
  const accepted = known.length > 0 ? `: accepted keys are ${known.join(', ')}` : '';
  return {
    code: 'unknown-key',
    message: `unknown key "${key}"${didYouMean(key, known)}${accepted}`,
    source: source.locateKey(path),
  };
}

/** Reports the union branch that matches the value's shape, so a list is judged as a list. */
function convertUnion(
  branches: ZodIssue[][],
  path: Path,
  value: unknown,
  raw: unknown,
  source: YamlSource,
): ConfigIssue[] {
  const fitting = branches.filter(
    (branch) => !branch.some((issue) => issue.code === 'invalid_type' && issue.path.length === 0),
  );
  if (fitting.length === 0) {
    const expected = branches
      .map((branch) => (branch[0]?.code === 'invalid_type' ? branch[0].expected : 'value'))
      .join(' or ');
    return [wrongType(path, expected, value, source)];
  }
  const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((issue) => convert(issue, path, raw, source));
}

/** Names a zod type as the YAML reader knows it: `array` is a list, `object` a mapping. */
function describeType(expected: string): string {
  const words: Record<string, string> = {
    array: 'a list',
    object: 'a mapping',
    int: 'a whole number',
  };
  return expected
    .split(' or ')
    .map((type) => words[type] ?? `a ${type}`)
    .join(' or ');
}

function wrongType(path: Path, expected: string, value: unknown, source: YamlSource): ConfigIssue {
  const expectedText = describeType(expected);
  // YAML 1.2 reads `1_000` as text; counts of agents take plain digits.
  const isDigitGroups = typeof value === 'string' && /^\d{1,3}(_\d{3})+$/.test(value);
  const hint = isDigitGroups ? `, so write it without "_" as ${value.replace(/_/g, '')}` : '';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const written = source.writtenAt(path)?.trim() ?? String(value);
    const problem = /inf|nan/i.test(written) ? 'is not a finite number' : 'is too large';
    return {
      code: 'wrong-type',
      message: `${written} ${problem}: expected ${expectedText} between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
      source: source.locate(path),
    };
  }
  return {
    code: 'wrong-type',
    message: `value ${show(value)} is ${kindOf(value)}: expected ${expectedText}${hint}`,
    source: source.locate(path),
  };
}

function invalid(path: Path, message: string, source: YamlSource): ConfigIssue {
  return { code: 'invalid-value', message, source: source.locate(path) };
}

function minimum(issue: Extract<ZodIssue, { code: 'too_small' }>): string {
  if (issue.origin === 'array') return `at least ${String(issue.minimum)} entry`;
  if (issue.origin === 'string') return 'a non-empty string';
  return issue.inclusive
    ? `${String(issue.minimum)} or more`
    : `more than ${String(issue.minimum)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fraction';
  return `a ${typeof value}`;
}

/** Quotes a value for a message, shortened to 60 characters. */
export function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Reads the value at `path` from plain data. */
export function valueAt(raw: unknown, path: Path): unknown {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
