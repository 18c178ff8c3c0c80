import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import { parse } from 'yaml';

import { generateJsonSchema, SCHEMA_PATH } from '../../src/config/json-schema';

const ROOT = join(__dirname, '..', '..');
const committed = readFileSync(join(ROOT, SCHEMA_PATH), 'utf8');
const example = readFileSync(join(ROOT, 'ms-framework-swarm.yaml'), 'utf8');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(generateJsonSchema()) as object);
}

describe('JSON Schema', () => {
  test('committed file equals the generated schema', () => {
    // Run `swarm-scaler schema --write` after changing src/config/schema.ts.
    expect(committed).toBe(generateJsonSchema());
  });

  test('the example file points editors at it', () => {
    expect(example.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${SCHEMA_PATH}`);
  });

  test('the example validates', () => {
    const validate = validator();
    expect(validate(parse(example))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  test.each([
    ['a misspelt agent key', 'core:\n  - id: a\n    capabilitis: []\n'],
    ['a duration without unit pattern', 'core:\n  - id: a\n    consistency_window: "soon"\n'],
    ['a misspelt section key', 'scaling_triggers:\n  cpu_scalin: {}\n'],
  ])('rejects %s', (_name, extra) => {
    const validate = validator();
    expect(validate(parse(`swarm:\n  base_agents: 1\n  max_agents: 2\n${extra}`))).toBe(false);
  });
});
