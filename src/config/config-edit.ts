/**
 * Edits a swarm YAML file in place. Each change replaces or inserts only the text of the nodes it
 * touches, located through the yaml Document's source ranges, so comments, blank lines and the
 * file's quoting and flow style stay as they were. `save` validates the result before an atomic
 * write (temp file in the same directory, then rename).
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import {
  isCollection,
  isMap,
  isScalar,
  parseDocument,
  stringify,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

import { ConfigError } from './errors';
import { loadConfigText, type LoadOptions } from './load';
import type { LoadedConfig } from './model';
import type { DocPath } from './key-path';
import { ALIAS_CYCLE_MESSAGE, checkStructure } from './yaml-source';

/** Raised when an edit cannot be made in place; the file is left unchanged. */
export class EditError extends Error {
  override name = 'EditError';
  readonly code = 'EDIT_REJECTED';
}

/** Editor of one swarm YAML file's text; every change re-parses the document. */
export class ConfigEditor {
  private doc: Document;

  private readonly original: string;

  constructor(
    readonly file: string,
    private text: string,
  ) {
    this.original = text;
    this.doc = ConfigEditor.parse(text, file);
  }

  /** The current text, with every edit so far. */
  get content(): string {
    return this.text;
  }

  /** The document as parsed from the current text. */
  get document(): Document {
    return this.doc;
  }

  /** Returns the plain value at `path`, or undefined when the key is absent. */
  get(path: DocPath): unknown {
    if (!this.doc.hasIn(path)) return undefined;
    const node = this.doc.getIn(path, true);
    return isCollection(node) || isScalar(node) ? node.toJSON() : node;
  }

  /** Sets the value at `path`, replacing the old value's text or adding the key to its map. */
  set(path: DocPath, value: unknown): void {
    const node = this.doc.getIn(path, true) as Node | null | undefined;
    this.checkValue(path, value, node);
    if (this.doc.hasIn(path) && node?.range) {
      this.replaceNode(node, value, path);
    } else {
      this.insertMissing(path, value);
    }
    if (!isDeepStrictEqual(this.get(path), value)) {
      throw new EditError(`could not set ${path.join('.')} in place: edit the file by hand`);
    }
  }

  /** Removes the key at `path` with its value, lines and all. */
  remove(path: DocPath): void {
    const parent = this.doc.getIn(path.slice(0, -1), true);
    const key = path[path.length - 1];
    const pair = isMap(parent) ? findPair(parent, key) : undefined;
    const keyNode = pair?.key as Node | undefined;
    if (!pair || !keyNode?.range || !isMap(parent) || parent.flow) {
      throw new EditError(`cannot remove ${path.join('.')}: it is not a key of a block mapping`);
    }
    const keyStart = lineStart(this.text, keyNode.range[0]);
    const start = commentStart(this.text, keyStart, columnOf(this.text, keyNode.range[0]));
    const valueEnd = contentEnd(
      this.text,
      ((pair.value as Node | null)?.range ?? keyNode.range)[1],
    );
    const end = lineEndWithBreak(this.text, valueEnd);
    const column = columnOf(this.text, keyNode.range[0]);
    this.splice(start, withBlankAfter(this.text, start, end, column), '');
  }

  /** Validates the current text as the file's new content; throws ConfigError when invalid. */
  validate(options: LoadOptions = {}): LoadedConfig {
    return loadConfigText(this.text, this.file, 'yaml', options);
  }

  /**
   * Validates, then writes the file atomically, keeping its permission bits. Rejects the write
   * when the file changed since it was read, so a concurrent edit is not lost.
   */
  save(options: LoadOptions = {}): LoadedConfig {
    const loaded = this.validate(options);
    // NOTE: an edit landing between this check and the rename is still overwritten.
    if (readIfExists(this.file) !== this.original) {
      throw new EditError(`${this.file} changed while it was being edited: run the command again`);
    }
    writeAtomically(this.file, this.text);
    return loaded;
  }

  /** Rejects a value that contains itself (from a YAML alias such as `&a [*a]`), as loading does. */
  private checkValue(path: DocPath, value: unknown, node: Node | null | undefined): void {
    if (checkStructure(value) !== 'cycle') return;
    const offset = node?.range?.[0] ?? 0;
    const lines = this.text.slice(0, offset).split('\n');
    const source = {
      file: this.file,
      line: lines.length,
      column: lines[lines.length - 1].length + 1,
      path: path.join('.'),
    };
    throw new ConfigError(this.file, [{ code: 'alias-limit', message: ALIAS_CYCLE_MESSAGE, source }]);
  }

  private replaceNode(node: Node, value: unknown, path: DocPath): void {
    const [start, end] = node.range as [number, number, number];
    const isMapping = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (isCollection(node) && !node.flow && isMapping) {
      const indent = columnOf(this.text, start);
      const block = blockLines(value, indent).join('\n');
      this.splice(
        lineStart(this.text, start),
        lineEnd(this.text, contentEnd(this.text, end)),
        block,
      );
      return;
    }
    this.splice(start, contentEnd(this.text, end), sameQuoting(node, value) ?? inline(value, path));
  }

  /** Adds the missing keys of `path` under the deepest map that exists. */
  private insertMissing(path: DocPath, value: unknown): void {
    let depth = path.length - 1;
    while (depth > 0 && !this.doc.hasIn(path.slice(0, depth))) depth--;
    const parentPath = path.slice(0, depth);
    const parent = depth === 0 ? this.doc.contents : this.doc.getIn(parentPath, true);
    const nested = path
      .slice(depth + 1)
      .reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    const entry = { [path[depth]]: nested };
    if (typeof path[depth] === 'number') {
      throw new EditError(`cannot add list item ${path.join('.')}: set the whole list instead`);
    }
    if (isMap(parent) && !parent.flow && parent.items.length > 0) {
      this.appendToMap(parent, entry);
    } else if (isMap(parent) && parent.items.length === 0 && parent.range) {
      // An empty flow mapping `{}` becomes a block mapping under its key.
      const indent = keyColumn(this.doc, this.text, parentPath) + 2;
      this.splice(
        parent.range[0],
        contentEnd(this.text, parent.range[1]),
        `\n${blockLines(entry, indent).join('\n')}`,
      );
    } else if ((parent === null || (isScalar(parent) && parent.value === null)) && depth > 0) {
      const indent = keyColumn(this.doc, this.text, parentPath) + 2;
      const at = isScalar(parent) && parent.range ? parent.range[0] : this.text.length;
      this.splice(at, at, `\n${blockLines(entry, indent).join('\n')}`);
    } else {
      throw new EditError(
        `cannot add ${path.join('.')}: ${parentPath.join('.') || 'the document'} is not a block mapping`,
      );
    }
  }

  private appendToMap(map: YAMLMap, entry: Record<string, unknown>): void {
    const first = map.items[0].key as Node;
    const last = map.items[map.items.length - 1];
    const indent = columnOf(this.text, (first.range as [number, number, number])[0]);
    const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range) as [
      number,
      number,
      number,
    ];
    const at = lineEnd(this.text, contentEnd(this.text, lastEnd[1]));
    this.splice(at, at, `\n${blockLines(entry, indent).join('\n')}`);
  }

  private splice(start: number, end: number, replacement: string): void {
    const text = this.text.slice(0, start) + replacement + this.text.slice(end);
    this.doc = ConfigEditor.parse(text, this.file);
    this.text = text;
  }

  private static parse(text: string, file: string): Document {
    const doc = parseDocument(text, { uniqueKeys: true, keepSourceTokens: false });
    if (doc.errors.length > 0) {
      throw new EditError(
        `${file} is not valid YAML (${doc.errors[0].message.split('\n')[0]}): run "swarm-scaler validate" and fix it first`,
      );
    }
    return doc;
  }
}

/** Writes through a temp file in the same directory and a rename, so readers never see half a file. */
export function writeAtomically(path: string, text: string): void {
  // Writing through a symlink keeps the link and replaces its target.
  const file = existsSync(path) ? realpathSync(path) : path;
  const temp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(temp, text, { encoding: 'utf8', mode: mode ?? 0o644, flag: 'wx' });
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file was never created or is already gone.
    }
    throw err;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return (map.items as Pair[]).find(
    (item) => isScalar(item.key) && String(item.key.value) === String(key),
  );
}

/** Renders a string in the quoting style of the scalar it replaces, if that was quoted. */
function sameQuoting(node: Node, value: unknown): string | undefined {
  if (!isScalar(node) || typeof value !== 'string') return undefined;
  if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return undefined;
}

/** Renders a value on one line: scalars as YAML writes them, collections in flow style. */
function inline(value: unknown, path: DocPath, isItem = false): string {
  if (value === undefined) throw new EditError(`no value given for ${path.join('.')}`);
  if (Array.isArray(value)) return `[${value.map((item) => inline(item, path, true)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const pairs = Object.entries(value).map(([k, v]) => `${k}: ${inline(v, path, true)}`);
    return `{ ${pairs.join(', ')} }`;
  }
  // Strings in lists are double-quoted, as the example writes its spawn lists.
  if (typeof value === 'string' && isItem) return JSON.stringify(value);
  const text = stringify(value).trimEnd();
  return text.includes('\n') ? JSON.stringify(value) : text;
}

/** Renders `key: value` lines at `indent`, nested maps as blocks and lists in flow style. */
function blockLines(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      return [`${pad}${key}:`, ...blockLines(inner, indent + 2)];
    }
    return [`${pad}${key}: ${inline(inner, [key])}`];
  });
}

function keyColumn(doc: Document, text: string, path: DocPath): number {
  const parent = doc.getIn(path.slice(0, -1), true);
  const pair = isMap(parent) ? findPair(parent, path[path.length - 1]) : undefined;
  const range = (pair?.key as Node | undefined)?.range;
  return range ? columnOf(text, range[0]) : 0;
}

/**
 * Returns the start of the comment lines directly above the line at `start` and indented to
 * `column`, because those comments belong to that entry. Returns `start` when there are none.
 */
function commentStart(text: string, start: number, column: number): number {
  let at = start;
  while (at > 0) {
    const line = previousLine(text, at);
    if (!line.trimStart().startsWith('#') || indentOf(line) !== column) break;
    at -= line.length + 1;
  }
  return at;
}

/**
 * Returns `end` extended over the blank line after a removed entry when the text before `start`
 * is a blank line or the parent key, because that blank line would then double a blank line or
 * open the mapping.
 */
function withBlankAfter(text: string, start: number, end: number, column: number): number {
  const before = start === 0 ? '' : previousLine(text, start);
  const isOpening = before.trim() === '' || indentOf(before) < column;
  const next = text.slice(end, lineEndWithBreak(text, end));
  return isOpening && next.length > 0 && next.trim() === '' ? end + next.length : end;
}

/** Returns the line that ends just before the line starting at `start`, without its break. */
function previousLine(text: string, start: number): string {
  return text.slice(lineStart(text, start - 1), start - 1);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

function lineEndWithBreak(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end + 1;
}

/** Moves back from `end` over trailing whitespace and line breaks to just after the last character. */
function contentEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && /\s/.test(text[at - 1])) at--;
  return at;
}
