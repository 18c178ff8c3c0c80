/**
 * Rewrites the yaml library's parse errors into messages that name the problem in swarm-config
 * terms and the fix. Messages are keyed by the library's error codes (yaml 2.x `YAMLError.code`).
 */
import type { YAMLError } from 'yaml';

/** Deepest nesting accepted. The example nests 6 levels, and deeper input could exhaust the stack. */
export const MAX_DEPTH = 64;

/** Fixed messages for codes whose library text names no fix. */
const MESSAGES: Partial<Record<YAMLError['code'], string>> = {
  MULTIPLE_DOCS:
    'a "---" line starts a second YAML document, but a swarm config is one document: remove the "---" line and merge the two parts, or move the second part to its own file',
  TAB_AS_INDENT:
    'a tab is used for indentation, and YAML indents with spaces only: replace the tab with spaces',
  BLOCK_AS_IMPLICIT_KEY:
    'a nested mapping is written on the same line as its key: put "key: value" on one line, and nested keys on the lines below, indented by two spaces',
  MULTILINE_IMPLICIT_KEY:
    'a key runs over more than one line: write each key on one line, followed by ": " and its value',
  UNEXPECTED_TOKEN:
    'unexpected character for this place in the YAML: check the indentation and that every "key:" is followed by a space',
  BAD_SCALAR_START:
    'a plain value starts with a character that YAML reserves (such as @, ` or %): put the value in quotes',
  BAD_DQ_ESCAPE:
    'an invalid escape sequence in a double-quoted value: write "\\\\" for a backslash, or use single quotes',
  MULTIPLE_ANCHORS: 'a node has more than one &anchor: keep one',
  MULTIPLE_TAGS: 'a node has more than one !tag: keep one',
  BAD_ALIAS: 'an alias (*name) is invalid here: write the value out in place of the alias',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters: shorten it',
};

/** Returns the message for `error`, a parse error found in `text`. */
export function describeYamlError(error: YAMLError, text: string): string {
  const original = firstLine(error.message);
  if (original.includes('Maximum call stack size exceeded')) {
    return `the document nests too deeply to parse: a swarm config needs fewer than ${MAX_DEPTH} levels, so flatten it`;
  }
  if (error.code === 'BAD_INDENT' || error.code === 'MISSING_CHAR') {
    return describeUnclosedOrIndent(original);
  }
  return MESSAGES[error.code] ?? `${original}: check the YAML syntax at this place`;
}

/** Returns the offset of the key that an error concerns, or undefined when it concerns none. */
export function keyOffset(error: YAMLError, text: string): number | undefined {
  const start = error.pos[0];
  if (error.code === 'MULTIPLE_DOCS') return undefined;
  const opener = /^Flow (sequence|mapping)/.exec(firstLine(error.message))?.[1];
  if (!opener) return start;
  const at = text.lastIndexOf(opener === 'sequence' ? '[' : '{', start);
  return at < 0 ? start : at;
}

/**
 * Returns the dotted key path of the line containing `offset`, read from indentation: the key on
 * that line (or the nearest one above it) and every less-indented key or list item above that one.
 */
export function keyPathAt(text: string, offset: number): string {
  const lineEnd = text.indexOf('\n', offset);
  const lines = text.slice(0, lineEnd < 0 ? text.length : lineEnd).split('\n');
  const keys: string[] = [];
  let indent = Infinity;
  for (let i = lines.length - 1; i >= 0 && indent > 0; i--) {
    const match = /^(\s*)(-\s+)?(?:(["']?)([\w.-]+)\3\s*:(?:\s|$))?/.exec(lines[i]);
    const [, lead = '', dash, , key] = match ?? [];
    const keyColumn = lead.length + (dash?.length ?? 0);
    if (dash && keyColumn <= indent) {
      if (key && keyColumn < indent) keys.unshift(key);
      keys.unshift(String(listIndex(lines, i, lead.length)));
      indent = lead.length;
    } else if (key && keyColumn < indent) {
      keys.unshift(key);
      indent = keyColumn;
    }
  }
  return keys.join('.');
}

/** Returns the index of the list item on line `item`, counting items at `column` above it. */
function listIndex(lines: string[], item: number, column: number): number {
  let index = 0;
  for (let i = item - 1; i >= 0; i--) {
    const lead = /^\s*/.exec(lines[i])?.[0].length ?? 0;
    if (lines[i].trim() === '' || lead > column) continue;
    if (lead < column || !lines[i].trimStart().startsWith('-')) break;
    index++;
  }
  return index;
}

function describeUnclosedOrIndent(original: string): string {
  const flow = /^Flow (sequence|mapping)/.exec(original)?.[1];
  if (flow === 'sequence') {
    return 'a flow list "[" is not closed, or its lines are indented less than its key: end it with "]", or indent its continuation lines past the key';
  }
  if (flow === 'mapping') {
    return 'a flow mapping "{" is not closed, or its lines are indented less than its key: end it with "}", or indent its continuation lines past the key';
  }
  if (/quote/i.test(original)) {
    return 'a quoted value is not closed: add the closing quote before the end of the value';
  }
  return `${original}: indent each key of a mapping by the same number of spaces, and nested keys by more than their parent`;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
