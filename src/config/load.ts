/**
 * Loads a swarm config from a YAML file or from a Markdown document with fenced YAML blocks.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import { buildModel } from './build';
import { ConfigError, type ConfigIssue } from './errors';
import { extractYaml, markdownToYaml } from './markdown';
import type { LoadedConfig, SourceRef } from './model';
import { SECTION_KEYS, swarmFileSchema } from './schema';
import { nearest } from './suggest';
import { MAX_CONFIG_BYTES, YamlSource } from './yaml-source';
import { convertZodIssues, knownKeysErrorMap } from './zod-issues';

export { markdownToYaml };

/** Options of loadConfig and loadConfigText. */
export interface LoadOptions {
  /** Accept only agent ids in `spawn` lists; every other name is an error. */
  strict?: boolean;
}

/** Reads and validates a config file; throws ConfigError listing every problem found. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  const text = readConfigText(file);
  const format = /\.(md|markdown)$/i.test(file) ? 'markdown' : 'yaml';
  return loadConfigText(text, file, format, options);
}

/**
 * Validates config text; `file` is used in messages only. Markdown text is reduced to its YAML
 * blocks here, and positions in messages point into the Markdown.
 */
export function loadConfigText(
  text: string,
  file: string,
  format: 'yaml' | 'markdown',
  options: LoadOptions = {},
): LoadedConfig {
  const source = parseSource(text, file, format);
  const raw = source.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const kind = Array.isArray(raw) ? 'a list' : `a ${raw === null ? 'null' : typeof raw}`;
    throw new ConfigError(file, [
      {
        code: 'not-a-mapping',
        message: `the document is ${kind}: expected a mapping with a "swarm" section and agent categories`,
        source: source.locate([]),
      },
    ]);
  }
  const { data, issues } = checkTopLevelKeys(raw as Record<string, unknown>, source);
  const parsed = swarmFileSchema.safeParse(data, { error: knownKeysErrorMap });
  const strict = options.strict ?? false;
  if (parsed.success) {
    const result = buildModel(parsed.data, source, { format, strict });
    if (issues.length + result.issues.length > 0)
      throw new ConfigError(file, [...issues, ...result.issues]);
    return { config: result.config, warnings: result.warnings };
  }
  const shapeIssues = convertZodIssues(parsed.error.issues, data, source);
  throw new ConfigError(file, [
    ...issues,
    ...shapeIssues,
    ...crossReferenceIssues(data, parsed.error.issues, source, format, strict),
  ]);
}

/**
 * Builds the entries that passed validation, so that name, measure and bound errors of the rest
 * of the file come in the same report as the shape errors. An entry with a shape error is left
 * out; with the swarm section or a category left out, the checks that need it are skipped.
 */
function crossReferenceIssues(
  data: Record<string, unknown>,
  zodIssues: readonly { path: PropertyKey[] }[],
  source: YamlSource,
  format: 'yaml' | 'markdown',
  strict: boolean,
): ConfigIssue[] {
  const pruned = structuredClone(data);
  const dropped = zodIssues.map((issue) =>
    prune(
      pruned,
      issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
    ),
  );
  const isSwarmValid = !dropped.includes('swarm');
  if (!isSwarmValid) pruned.swarm = { base_agents: 0, max_agents: 1 };
  const parsed = swarmFileSchema.safeParse(pruned);
  if (!parsed.success) return [];
  const isCategoryDropped = dropped.includes('category');
  const result = buildModel(parsed.data, source, { format, strict: strict && !isCategoryDropped });
  return result.issues.filter((issue) => isSwarmValid || !issue.source.path.startsWith('swarm'));
}

/** Removes the entry that contains `path` from `data`; returns what kind of entry it was. */
function prune(data: Record<string, unknown>, path: (string | number)[]): string {
  const [section, key, sub] = path;
  const remove = (container: unknown, name: string | number | undefined) => {
    if (container !== null && typeof container === 'object' && name !== undefined)
      delete (container as Record<string, unknown>)[name];
  };
  if (section === 'swarm') return 'swarm';
  if (section === 'scaling_rules' && path.length > 1) {
    remove(data.scaling_rules, key);
  } else if (section === 'scaling_triggers' && key === 'framework_scaling' && path.length > 2) {
    remove((data.scaling_triggers as Record<string, unknown>).framework_scaling, sub);
  } else if (section === 'scaling_triggers' && path.length > 1) {
    remove(data.scaling_triggers, key);
  } else if (
    typeof section === 'string' &&
    !(SECTION_KEYS as readonly string[]).includes(section)
  ) {
    remove(data, section);
    return 'category';
  } else {
    remove(data, section);
  }
  return 'section';
}

function parseSource(text: string, file: string, format: 'yaml' | 'markdown'): YamlSource {
  if (format === 'yaml') return YamlSource.parse(text, file);
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) return YamlSource.parse(text, file);
  const extracted = extractYaml(text);
  if (extracted.blocks === 0) {
    throw new ConfigError(file, [
      {
        code: 'no-yaml-blocks',
        message:
          'the Markdown document has no fenced ```yaml blocks: put the config in blocks that open with ```yaml',
        source: at(file, 1, 1),
      },
    ]);
  }
  return YamlSource.parse(extracted.text, file, extracted.lineMap);
}

/**
 * Reports top-level keys within typo distance of a section name as unknown sections. Any other
 * top-level key is an agent category, so a misspelt section would otherwise be read as one.
 */
function checkTopLevelKeys(
  raw: Record<string, unknown>,
  source: YamlSource,
): { data: Record<string, unknown>; issues: ConfigIssue[] } {
  const data: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  const sections: readonly string[] = SECTION_KEYS;
  for (const [key, value] of Object.entries(raw)) {
    const near = sections.includes(key) ? undefined : nearest(key, sections);
    if (near === undefined) {
      data[key] = value;
      continue;
    }
    issues.push({
      code: 'unknown-key',
      message: `unknown section "${key}" (did you mean "${near}"?): sections are ${sections.join(', ')}; any other key is an agent category`,
      source: source.locateKey([key]),
    });
  }
  return { data, issues };
}

/** Reads a config file, rejecting one above MAX_CONFIG_BYTES before reading it; throws ConfigError. */
export function readConfigText(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(file, [
        {
          code: 'file-too-large',
          message: `the file is ${size} bytes, above the limit of ${MAX_CONFIG_BYTES} bytes: a swarm config is a few kilobytes, so check that this is the right file`,
          source: at(file, 1, 1),
        },
      ]);
    }
    const buffer = Buffer.alloc(size);
    const read = readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, read).toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      file,
      [
        {
          code: 'file-unreadable',
          message: `${readFailure(code, err)}: pass an existing config file with --config`,
          source: at(file, 1, 1),
        },
      ],
      { cause: err },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readFailure(code: string | undefined, err: unknown): string {
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory';
  return `cannot be read (${code ?? String(err)})`;
}

function at(file: string, line: number, column: number): SourceRef {
  return { file, line, column, path: '' };
}
