/** Helpers shared by the generator tests: the example config and promtool/amtool runs. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
