/**
 * Golden files pin the messages of broken configs: each file under testdata/broken/ is loaded and
 * its ConfigError text, with the issue classes, must equal the `.golden` file beside it.
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { ConfigError, type IssueCode } from '../../src/config/errors';
import { loadConfig } from '../../src/config/load';

const ROOT = join(__dirname, '..', '..');
const BROKEN = join(__dirname, 'testdata', 'broken');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const ISSUE_CODES: IssueCode[] = [
  'file-unreadable',
  'file-too-large',
  'yaml-syntax',
  'duplicate-key',
  'alias-limit',
  'empty-file',
  'not-a-mapping',
  'no-yaml-blocks',
  'unknown-key',
  'missing-key',
  'wrong-type',
  'invalid-value',
  'invalid-quantity',
  'ambiguous-quantity',
  'invalid-condition',
  'unknown-measure',
  'unresolved-name',
  'invalid-promql',
  'duplicate-id',
  'inconsistent',
];

const cases = readdirSync(BROKEN)
  .filter((name) => !name.endsWith('.golden'))
  .sort();

function render(err: ConfigError): string {
  const codes = err.issues.map((issue) => issue.code ?? '(none)');
  return `${err.message}\n\nclasses: ${[...new Set(codes)].sort().join(', ')}\n`;
}

describe('broken configs', () => {
  test('at least twenty cases exist', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(cases)('%s', (name) => {
    const file = relative(ROOT, join(BROKEN, name));
    let caught: unknown;
    try {
      loadConfig(file, { strict: name.startsWith('strict-') });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const actual = render(caught as ConfigError);
    const golden = join(BROKEN, `${name}.golden`);
    if (UPDATE || !existsSync(golden)) writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  test('every error class has a golden case', () => {
    const seen = new Set<string>();
    for (const name of cases) {
      const golden = readFileSync(join(BROKEN, `${name}.golden`), 'utf8');
      const classes = /^classes: (.*)$/m.exec(golden)?.[1] ?? '';
      classes.split(', ').forEach((code) => seen.add(code));
    }
    // file-unreadable and file-too-large need a missing or huge file: load.test.ts covers them.
    const expected = ISSUE_CODES.filter((code) => !code.startsWith('file-'));
    expect(expected.filter((code) => !seen.has(code))).toEqual([]);
  });

  test.each(cases)('%s names file, line, column and key path', (name) => {
    try {
      loadConfig(relative(ROOT, join(BROKEN, name)), { strict: name.startsWith('strict-') });
    } catch (err) {
      for (const issue of (err as ConfigError).issues) {
        expect(issue.source.file).toContain(name);
        expect(issue.source.line).toBeGreaterThanOrEqual(1);
        expect(issue.source.column).toBeGreaterThanOrEqual(1);
        expect(issue.code).toBeDefined();
      }
    }
  });
});
