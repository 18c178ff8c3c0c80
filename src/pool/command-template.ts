/**
 * Command templates of the exec driver: a program and its arguments, each a string that may
 * contain `{placeholders}`.
 *
 * Rendering substitutes each placeholder once and never splits or joins arguments, so a value is
 * always part of exactly one argument, whatever quotes, spaces or shell syntax it contains. The
 * command runs without a shell, so nothing in a value is ever interpreted.
 */
import type { SpawnRequest } from './driver';

/** Placeholders a template may use. */
export const PLACEHOLDERS = [
  'agentId',
  'role',
  'category',
  'idempotencyKey',
  'capabilities',
  'spec',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Values for each placeholder. */
export type TemplateValues = Record<Placeholder, string>;

const PLACEHOLDER_PATTERN = /\{([A-Za-z]+)\}/g;

/** Returns the placeholders used in `template` that are not known, for config validation. */
export function unknownPlaceholders(template: readonly string[]): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  const unknown = new Set<string>();
  for (const argument of template) {
    for (const match of argument.matchAll(PLACEHOLDER_PATTERN)) {
      if (!known.has(match[1])) unknown.add(`{${match[1]}}`);
    }
  }
  return [...unknown];
}

/**
 * Values for a spawn: `{capabilities}` is comma-separated and `{spec}` is the agent spec as JSON.
 */
export function spawnValues(request: SpawnRequest): TemplateValues {
  return {
    agentId: request.agentId,
    role: request.role,
    category: request.category,
    idempotencyKey: request.idempotencyKey,
    capabilities: request.spec.capabilities.join(','),
    spec: JSON.stringify(request.spec),
  };
}

/** Values for a retire or status command; fields other than the id are empty when unknown. */
export function agentValues(agentId: string, request?: SpawnRequest): TemplateValues {
  return request ? spawnValues(request) : { ...EMPTY_VALUES, agentId };
}

const EMPTY_VALUES: TemplateValues = {
  agentId: '',
  role: '',
  category: '',
  idempotencyKey: '',
  capabilities: '',
  spec: '',
};

/** Renders `template` into the program and its argument list. */
export function renderTemplate(
  template: readonly string[],
  values: TemplateValues,
): { file: string; args: string[] } {
  // One pass of `replace` per argument: a value that itself contains `{role}` stays literal.
  const rendered = template.map((argument) =>
    argument.replace(PLACEHOLDER_PATTERN, (text, name: string) =>
      Object.hasOwn(values, name) ? values[name as Placeholder] : text,
    ),
  );
  const [file, ...args] = rendered;
  return { file, args };
}
