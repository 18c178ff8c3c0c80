/** Helpers shared by the generator tests: the example config and promtool/amtool runs. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';

import { loadConfig } from '../../src/config/load';
import type { SwarmConfig } from '../../src/config/model';
import type { GeneratedFile } from '../../src/generate/result';

export const repoRoot = path.join(__dirname, '..', '..');

/** Loads the example config shipped at the repository root. */
export function exampleConfig(): SwarmConfig {
  return loadConfig(path.join(repoRoot, 'ms-framework-swarm.yaml')).config;
}

/** Writes files into a new temporary folder and returns its path. */
export function writeTemp(files: readonly GeneratedFile[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'swarm-generate-'));
  for (const file of files) {
    const target = path.join(dir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return dir;
}

/** Runs a command and returns its exit code and combined output. */
export function runTool(
  command: string,
  args: string[],
  cwd: string,
): { code: number; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Finds a generated file by path; fails the test when it is missing. */
export function fileAt(files: readonly GeneratedFile[], filePath: string): string {
  const file = files.find((candidate) => candidate.path === filePath);
  if (!file)
    throw new Error(`no generated file ${filePath}; got ${files.map((f) => f.path).join(', ')}`);
  return file.content;
}

/** Path of the Grafana dashboard JSON schema, kept next to the repository. */
export const DASHBOARD_SCHEMA_FILE = path.join(
  repoRoot,
  '..',
  'shared',
  'schemas',
  'grafana-dashboard.schema.json',
);

/** Returns `test`, or `test.skip` with a message on stderr when the schema is missing. */
export function testWithDashboardSchema(): jest.It {
  if (existsSync(DASHBOARD_SCHEMA_FILE)) return test;
  process.stderr.write(
    `skipping dashboard schema validation: ${DASHBOARD_SCHEMA_FILE} is missing\n`,
  );
  return test.skip;
}

/** Returns the schema errors of a dashboard, an empty list when it is valid. */
export function dashboardSchemaErrors(dashboard: unknown): unknown[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(DASHBOARD_SCHEMA_FILE, 'utf8')), 'grafana');
  const validate = ajv.getSchema('grafana#/definitions/Dashboard');
  if (!validate) throw new Error(`${DASHBOARD_SCHEMA_FILE} has no definitions/Dashboard`);
  return validate(dashboard) ? [] : [...(validate.errors ?? [])];
}
