/**
 * Bad input of any kind ends in a ConfigError, never in another exception: hand-picked hostile
 * documents, and random edits of the example file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import { ConfigError } from '../../src/config/errors';
import { loadConfigText } from '../../src/config/load';

const EXAMPLE = readFileSync(join(__dirname, '..', '..', 'ms-framework-swarm.yaml'), 'utf8');
const HEAD = 'swarm:\n  base_agents: 0\n  max_agents: 2\n';

/** Loads text and returns the ConfigError, or undefined when the text is valid. */
function outcome(text: string): ConfigError | undefined {
  try {
    loadConfigText(text, 'fuzz.yaml', 'yaml');
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

describe('hostile documents', () => {
  test.each([
    ['deep flow nesting', '['.repeat(50_000), /nests too deeply/],
    [
      'deep nesting in knowledge',
      `${HEAD}core:\n  - id: a\n    config_knowledge: ${'['.repeat(100)}${']'.repeat(100)}\n`,
      /nests deeper than 64 levels/,
    ],
    ['a __proto__ key', `${HEAD}__proto__:\n  - id: a\n`, /key "__proto__" is not accepted/],
    ['a collection as key', `${HEAD}? [a, b]\n: 1\n`, /keys must be plain names/],
    [
      'an infinite number',
      'swarm:\n  base_agents: 1e400\n  max_agents: 2\n',
      /swarm.base_agents: 1e400 is too large: expected a number between/,
    ],
    ['a null section', 'swarm:\ncore:\n', /swarm: value null is empty: expected a mapping/],
    [
      'a string tag on a count',
      'swarm:\n  base_agents: !!str 1\n  max_agents: 2\n',
      /value "1" is a string: expected a number/,
    ],
  ])('%s', (_name, text, message) => {
    expect(outcome(text)?.message).toMatch(message);
  });

  test('CRLF line ends and a byte order mark load', () => {
    expect(outcome(`\uFEFF${HEAD.replace(/\n/g, '\r\n')}`)).toBeUndefined();
  });
});

describe('random edits of the example', () => {
  const position = fc.nat({ max: EXAMPLE.length });
  const noise = fc.constantFrom(
    ':',
    '-',
    ' ',
    '\t',
    '\n',
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    '&a',
    '*a',
    '#',
    '%',
    '!!',
    '?',
    '|',
    '>',
    '0',
    'x',
    '_',
  );

  test('deleting a span never crashes', () => {
    fc.assert(
      fc.property(position, fc.nat({ max: 200 }), (start, length) => {
        const text = EXAMPLE.slice(0, start) + EXAMPLE.slice(start + length);
        const error = outcome(text);
        if (error) expect(error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  test('inserting YAML punctuation never crashes', () => {
    fc.assert(
      fc.property(position, fc.array(noise, { minLength: 1, maxLength: 6 }), (at, inserted) => {
        const text = EXAMPLE.slice(0, at) + inserted.join('') + EXAMPLE.slice(at);
        const error = outcome(text);
        if (error) expect(error.issues.every((issue) => issue.source.line >= 1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
