/**
 * Loads a swarm config from a YAML file or from a Markdown document with fenced YAML blocks.
 */
import { readFileSync } from 'node:fs';
import { Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

import { ConfigError, type ConfigIssue } from './errors';
import type { LoadedConfig, SourceRef } from './model';
import { buildModel } from './build';
import { swarmFileSchema } from './schema';

export interface LoadOptions {
  /** Reject names in `spawn` lists that resolve to no agent or capability. */
  strict?: boolean;
}

/** Reads and validates a config file; throws ConfigError listing every problem found. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    throw new ConfigError(file, [{ message: `${reason}: pass an existing file with --config`, source: at(file, 1, 1, '') }], { cause: err });
  }
  const format = file.endsWith('.md') ? 'markdown' : 'yaml';
  const yamlText = format === 'markdown' ? markdownToYaml(text) : text;
  return loadConfigText(yamlText, file, format, options);
}

/** Validates config text; `file` is used in messages only. */
export function loadConfigText(
  text: string,
  file: string,
  format: 'yaml' | 'markdown',
  options: LoadOptions = {},
): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((error) => {
        const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
        return { message: error.message.split('\n')[0], source: at(file, pos.line, pos.col, '') };
      }),
    );
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (raw === null || raw === undefined || typeof raw !== 'object') {
    throw new ConfigError(file, [{ message: 'the file is empty: expected a mapping with a "swarm" section', source: at(file, 1, 1, '') }]);
  }
  const parsed = swarmFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(file, zodIssues(parsed.error, doc, lineCounter, file));
  }
  const locate = (path: (string | number)[]) => position(doc, lineCounter, file, path);
  const result = buildModel(parsed.data, { file, format, strict: options.strict ?? false, locate });
  if (result.issues.length > 0) throw new ConfigError(file, result.issues);
  return { config: result.config, warnings: result.warnings };
}

/** Joins the fenced YAML blocks of a Markdown document; "(N agents)" headings set capacities. */
export function markdownToYaml(markdown: string): string {
  const out: string[] = [];
  let capacity: number | undefined;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#+\s.*\((\d+)\s+(?:agents?|total)/i.exec(lines[i]);
    if (heading) capacity = Number(heading[1]);
    if (!/^```ya?ml\s*$/.test(lines[i])) continue;
    const block: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) block.push(lines[i]);
    out.push(withCapacity(block, capacity));
    capacity = undefined;
  }
  return out.join('\n');
}

function withCapacity(block: string[], capacity: number | undefined): string {
  const top = block.findIndex((line) => /^[a-z_]+:\s*$/.test(line));
  const isCategory = top >= 0 && block.slice(top + 1).some((line) => /^\s*-\s/.test(line));
  if (capacity === undefined || !isCategory || /^(swarm|scaling_|framework_)/.test(block[top])) {
    return block.join('\n');
  }
  const body = block.slice(top + 1).map((line) => (line.trim() ? `    ${line}` : line));
  return [...block.slice(0, top + 1), `  capacity: ${capacity}`, '  agents:', ...body].join('\n');
}

function zodIssues(error: z.ZodError, doc: Document, counter: LineCounter, file: string): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    return { message: issue.message, source: position(doc, counter, file, path) };
  });
}

function position(doc: Document, counter: LineCounter, file: string, path: (string | number)[]): SourceRef {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) {
      const pos = counter.linePos(node.range[0]);
      return at(file, pos.line, pos.col, path.join('.'));
    }
  }
  return at(file, 1, 1, path.join('.'));
}

function at(file: string, line: number, column: number, path: string): SourceRef {
  return { file, line, column, path };
}
