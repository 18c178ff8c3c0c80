/**
 * Writing generated files to an output folder, and comparing them with what is there (drift).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { GenerateError } from './errors';
import type { GeneratedFile } from './result';

/** How a file on disk differs from the generated one. */
export interface Drift {
  path: string;
  reason: 'missing' | 'changed';
}

/** Writes every file under `outDir`, creating folders; files not generated are left alone. */
export function writeFiles(outDir: string, files: readonly GeneratedFile[]): void {
  for (const file of files) {
    const target = join(outDir, file.path);
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content, 'utf8');
    } catch (err) {
      throw new GenerateError(
        'GENERATE_WRITE_FAILED',
        `could not write ${target}: check that --out names a writable folder`,
        { cause: err },
      );
    }
  }
}

/** Lists the generated files whose copy under `outDir` is missing or differs byte for byte. */
export function findDrift(outDir: string, files: readonly GeneratedFile[]): Drift[] {
  const drift: Drift[] = [];
  for (const file of files) {
    const current = readOrUndefined(join(outDir, file.path));
    if (current === undefined) drift.push({ path: file.path, reason: 'missing' });
    else if (current !== file.content) drift.push({ path: file.path, reason: 'changed' });
  }
  return drift;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
