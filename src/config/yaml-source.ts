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
  type YAMLError,
} from 'yaml';

import { ConfigError, type ConfigIssue } from './errors';
import type { SourceRef } from './model';
import { describeYamlError, keyOffset, keyPathAt, MAX_DEPTH } from './yaml-errors';

/** Largest config accepted, in bytes; real swarm files are a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Most alias expansions accepted, which stops "billion laughs" documents from exhausting memory. */
export const MAX_ALIAS_COUNT = 100;

export { MAX_DEPTH };

/** Origin of a line of generated YAML in the original file. */
export interface LineOrigin {
  line: number;
  /** Columns added in front of the original text (indentation inserted when wrapping a block). */
  shift: number;
  /** Index of the fenced block the line came from, for Markdown input. */
  block?: number;
}

type Path = (string | number)[];

/** A parsed config document with position lookup. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly counter: LineCounter,
    private readonly lineMap: LineOrigin[] | undefined,
    private readonly text: string,
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
    const source = new YamlSource(file, doc, counter, lineMap, text);
    const issues = source.relevantErrors().map((error): ConfigIssue => {
      if (error.code === 'DUPLICATE_KEY') return source.duplicateKey(error.pos[0], text);
      const offset = keyOffset(error, text);
      const path = offset === undefined ? '' : keyPathAt(text, offset);
      const message = describeYamlError(error, text);
      return { code: 'yaml-syntax', message, source: source.at(error.pos[0], path) };
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
            message: ALIAS_CYCLE_MESSAGE,
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

  /** Returns the scalar at `path` as written in the file, such as `1e400`, or undefined. */
  writtenAt(path: Path): string | undefined {
    const node = this.doc.getIn(path, true);
    return isScalar(node) && node.range ? this.text.slice(node.range[0], node.range[1]) : undefined;
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

  /** Returns the parse errors to report; after a tab indent, the errors it causes are noise. */
  private relevantErrors(): YAMLError[] {
    const tabs = this.doc.errors.filter((error) => error.code === 'TAB_AS_INDENT');
    return tabs.length > 0 ? tabs : this.doc.errors;
  }

  /** Describes the duplicate key at `offset`, naming where it first appears. */
  private duplicateKey(offset: number, text: string): ConfigIssue {
    const key = /^["']?([^"':\n]+)/.exec(text.slice(offset))?.[1]?.trim() ?? '';
    const second = this.at(offset, keyPathAt(text, offset));
    const firstOffset = this.firstKeyOffset(offset, key);
    const first = firstOffset === undefined ? undefined : this.at(firstOffset, '');
    const blockOf = (at: number) => this.lineMap?.[this.counter.linePos(at).line - 1]?.block;
    let message = `key "${key}" appears twice in one mapping: remove or rename one of them`;
    if (first && firstOffset !== undefined && blockOf(firstOffset) !== blockOf(offset)) {
      message = `key "${key}" appears in two \`\`\`yaml blocks, at lines ${first.line} and ${second.line}: the blocks are read as one document, so merge the two entries into one block, or rename one`;
    } else if (first) {
      message = `key "${key}" appears twice in one mapping, at lines ${first.line} and ${second.line}: remove or rename one of them`;
    }
    return { code: 'duplicate-key', message, source: second };
  }

  /** Returns the offset of the first key named `key` in the mapping whose key is at `offset`. */
  private firstKeyOffset(offset: number, key: string): number | undefined {
    let found: number | undefined;
    visit(this.doc, {
      Map: (_, map) => {
        const pairs = map.items as Pair[];
        const keys = pairs.map((pair) => pair.key as Node | null);
        if (!keys.some((node) => node?.range?.[0] === offset)) return undefined;
        const same = keys.find((node) => isScalar(node) && String(node.value) === key);
        found = same?.range?.[0];
        return visit.BREAK;
      },
    });
    return found;
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

/** Message for an alias to its own ancestor, shared by loading and `config set`. */
export const ALIAS_CYCLE_MESSAGE =
  'an alias refers to a node that contains it, which has no finite value: replace the alias with the values it stands for';

/**
 * Finds a value that contains itself (a YAML alias to an ancestor) or nesting deeper than
 * MAX_DEPTH; the recursion stops at that depth.
 */
export function checkStructure(
  value: unknown,
  ancestors: unknown[] = [],
): 'cycle' | 'depth' | undefined {
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

function tooLarge(file: string, size: number): ConfigIssue {
  return {
    code: 'file-too-large',
    message: `the file is ${size} bytes, above the limit of ${MAX_CONFIG_BYTES} bytes: a swarm config is a few kilobytes, so check that this is the right file`,
    source: { file, line: 1, column: 1, path: '' },
  };
}
