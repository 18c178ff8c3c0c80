/**
 * Parses config text into a YAML document that keeps node positions, and maps key paths back to
 * `file:line:column`, through a line map when the YAML was taken out of a Markdown document.
 */
import {
  isCollection,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
} from 'yaml';

import { ConfigError, type ConfigIssue } from './errors';
import type { SourceRef } from './model';

/** Largest config accepted, in bytes; real swarm files are a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Most alias expansions accepted, which stops "billion laughs" documents from exhausting memory. */
export const MAX_ALIAS_COUNT = 100;

/** Deepest nesting accepted; the example nests 6 levels, and deeper input could exhaust the stack. */
export const MAX_DEPTH = 64;

/** Origin of a line of generated YAML in the original file. */
export interface LineOrigin {
  line: number;
  /** Columns added in front of the original text (indentation inserted when wrapping a block). */
  shift: number;
}

type Path = (string | number)[];

/** A parsed config document with position lookup. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly counter: LineCounter,
    private readonly lineMap: LineOrigin[] | undefined,
  ) {}

  /** Parses `text`; throws ConfigError with every syntax problem, or for an empty or oversized input. */
  static parse(text: string, file: string, lineMap?: LineOrigin[]): YamlSource {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(file, [tooLarge(file, size)]);
    }
    const counter = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: counter,
      uniqueKeys: true,
      prettyErrors: false,
    });
    const source = new YamlSource(file, doc, counter, lineMap);
    const issues = doc.errors.map((error): ConfigIssue => {
      const where = source.at(error.pos[0], '');
      if (error.code !== 'DUPLICATE_KEY') {
        return { code: 'yaml-syntax', message: syntaxMessage(error.message), source: where };
      }
      const key = /^["']?([^"':\n]+)/.exec(text.slice(error.pos[0]))?.[1]?.trim() ?? '';
      const message = `key "${key}" appears twice in one mapping: remove or rename one of them`;
      return { code: 'duplicate-key', message, source: where };
    });
    if (issues.length === 0) issues.push(...source.checkKeys());
    if (issues.length > 0) throw new ConfigError(file, issues);
    if (doc.contents === null) {
      throw new ConfigError(file, [
        {
          code: 'empty-file',
          message: 'the file has no content: expected a mapping with a "swarm" section',
          source: source.point(1, 1, ''),
        },
      ]);
    }
    return source;
  }

  /** Converts the document to plain data, or throws ConfigError when aliases expand too far. */
  toJS(): unknown {
    try {
      const data: unknown = this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      const problem = checkStructure(data, []);
      if (problem === 'cycle') {
        throw new ConfigError(this.file, [
          {
            code: 'alias-limit',
            message:
              'an alias refers to a node that contains it, which has no finite value: replace the alias with the values it stands for',
            source: this.point(1, 1, ''),
          },
        ]);
      }
      if (problem === 'depth') throw new ConfigError(this.file, [tooDeep(this.point(1, 1, ''))]);
      return data;
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      throw new ConfigError(
        this.file,
        [
          {
            code: 'alias-limit',
            message: `aliases expand to more than ${MAX_ALIAS_COUNT} nodes: write the values out, or use fewer aliases`,
            source: this.point(1, 1, ''),
          },
        ],
        { cause: err },
      );
    }
  }

  /**
   * Returns the position of the value at `path`, or of its nearest existing ancestor. A block
   * mapping or list is located at its key, which is where a reader looks for it.
   */
  locate(path: Path): SourceRef {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (isCollection(node) && !node.flow && depth > 0 && depth === path.length)
        return this.locateKey(path);
      if (node?.range) return this.at(node.range[0], path.join('.'));
    }
    return this.point(1, 1, path.join('.'));
  }

  /** Returns the position of the key at the end of `path` (for unknown keys), else of its value. */
  locateKey(path: Path): SourceRef {
    const parent = this.doc.getIn(path.slice(0, -1), true);
    const key = path[path.length - 1];
    if (isMap(parent)) {
      const pair = (parent.items as Pair[]).find(
        (item) => isScalar(item.key) && String(item.key.value) === String(key),
      );
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) return this.at(keyNode.range[0], path.join('.'));
    }
    const node = this.doc.getIn(path, true) as Node | undefined;
    return node?.range ? this.at(node.range[0], path.join('.')) : this.locate(path.slice(0, -1));
  }

  /** Rejects keys that are collections, and `__proto__`, which would replace an object's prototype. */
  private checkKeys(): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    visit(this.doc, {
      Pair: (_, pair) => {
        const key = pair.key as Node | null;
        const at = key?.range ? this.at(key.range[0], '') : this.point(1, 1, '');
        if (key !== null && !isScalar(key)) {
          issues.push({
            code: 'invalid-value',
            message: 'a key is a list or mapping: keys must be plain names',
            source: at,
          });
        } else if (isScalar(key) && key.value === '__proto__') {
          issues.push({
            code: 'invalid-value',
            message:
              'key "__proto__" is not accepted, because it would replace the prototype of the mapping: rename it',
            source: at,
          });
        }
      },
    });
    return issues;
  }

  private at(offset: number, path: string): SourceRef {
    const { line, col } = this.counter.linePos(offset);
    return this.point(line, col, path);
  }

  private point(line: number, column: number, path: string): SourceRef {
    const origin = this.lineMap?.[line - 1];
    if (!origin) return { file: this.file, line, column, path };
    return { file: this.file, line: origin.line, column: Math.max(1, column - origin.shift), path };
  }
}

/**
 * Finds a value that contains itself (a YAML alias to an ancestor) or nesting deeper than
 * MAX_DEPTH; the recursion stops at that depth.
 */
function checkStructure(value: unknown, ancestors: unknown[]): 'cycle' | 'depth' | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (ancestors.includes(value)) return 'cycle';
  if (ancestors.length >= MAX_DEPTH) return 'depth';
  const children =
    value instanceof Map || value instanceof Set ? [...value.values()] : Object.values(value);
  for (const child of children) {
    const problem = checkStructure(child, [...ancestors, value]);
    if (problem) return problem;
  }
  return undefined;
}

function tooDeep(source: SourceRef): ConfigIssue {
  return {
    code: 'yaml-syntax',
    message: `the document nests deeper than ${MAX_DEPTH} levels: a swarm config needs far fewer, so flatten it`,
    source,
  };
}

/** Shortens a parser message to its first line, and names stack exhaustion as deep nesting. */
function syntaxMessage(message: string): string {
  if (message.includes('Maximum call stack size exceeded')) {
    return `the document nests too deeply to parse: a swarm config needs fewer than ${MAX_DEPTH} levels, so flatten it`;
  }
  return firstLine(message);
}

function tooLarge(file: string, size: number): ConfigIssue {
  return {
    code: 'file-too-large',
    message: `the file is ${size} bytes, above the limit of ${MAX_CONFIG_BYTES} bytes: a swarm config is a few kilobytes, so check that this is the right file`,
    source: { file, line: 1, column: 1, path: '' },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
