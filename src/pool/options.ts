/**
 * Validation of `driver.options`: each driver declares a zod schema for its keys, and a bad value
 * is raised as a `DriverConfigError` that quotes the key, the value and what is accepted.
 */
import { z } from 'zod';

import { parseDuration, QuantityError } from '../config/quantity';

/** Raised when `driver:` settings or their environment overrides are invalid. */
export class DriverConfigError extends Error {
  override name = 'DriverConfigError';
  readonly code = 'DRIVER_CONFIG_INVALID';

  constructor(
    message: string,
    readonly issues: string[] = [message],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Builds a schema that reads a duration written with a unit (`2s`, `500ms`) as milliseconds. */
export function durationMs(): z.ZodType<number, unknown> {
  return z.unknown().transform((value, context) => {
    try {
      return parseDuration(value) * 1000;
    } catch (err) {
      const message = err instanceof QuantityError ? err.message : String(err);
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  });
}

/** Builds the schema of a command template: the program, then its arguments, with `{placeholders}`. */
export function commandTemplate(): z.ZodType<string[], unknown> {
  return z
    .array(z.string(), {
      error: 'expected a list of strings such as ["my-cli", "spawn", "{agentId}"]',
    })
    .min(1, { error: 'expected at least the program name' });
}

/** Parses `options` with `schema` and names every problem as `driver.options.<key>`. */
export function parseOptions<T>(kind: string, schema: z.ZodType<T, unknown>, options: unknown): T {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const key = ['driver', 'options', ...issue.path.map(String)].join('.');
    const value = valueAt(options, issue.path);
    const shown = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
    return `${key}: ${issue.message} (${shown})`;
  });
  return rejectOptions(kind, issues);
}

function rejectOptions(kind: string, issues: string[]): never {
  const heading = `invalid options for the ${kind} pool driver`;
  throw new DriverConfigError(`${heading}:\n${issues.join('\n')}`, issues);
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
