import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Logger } from '../../src/log';
import { LOCK_FILE_NAME } from '../../src/store/data-dir-lock';
import { StoreError } from '../../src/store/errors';
import { PgliteDatabase } from '../../src/store/pglite-database';

describe('PGlite data folder lock', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scaler-lock-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('second open of one folder is rejected', async () => {
    const first = await PgliteDatabase.open(dataDir);
    try {
      const error = await PgliteDatabase.open(dataDir).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('store_locked');
      expect((error as StoreError).message).toContain(dataDir);
      expect((error as StoreError).message).toContain(`pid ${process.pid}`);
      expect((await first.query<{ n: number }>('SELECT 1 AS n')).rows[0].n).toBe(1);
    } finally {
      await first.close();
    }
  });

  test('lock file holds the pid and goes on close', async () => {
    const lockPath = join(dataDir, LOCK_FILE_NAME);
    const database = await PgliteDatabase.open(dataDir);
    expect(readFileSync(lockPath, 'utf8').trim()).toBe(String(process.pid));
    await database.close();
    expect(existsSync(lockPath)).toBe(false);
    const reopened = await PgliteDatabase.open(dataDir);
    await reopened.close();
  });

  test('stale lock is taken over with a warning', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']);
    expect(exited.status).toBe(0);
    const deadPid = exited.pid;
    writeFileSync(join(dataDir, LOCK_FILE_NAME), `${deadPid}\n`);
    const warnings: unknown[] = [];
    const logger = { warn: (fields: unknown) => warnings.push(fields) } as unknown as Logger;

    const database = await PgliteDatabase.open(dataDir, logger);
    try {
      expect(warnings).toEqual([
        { path: join(dataDir, LOCK_FILE_NAME), stalePid: deadPid },
      ]);
      expect(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8').trim()).toBe(
        String(process.pid),
      );
    } finally {
      await database.close();
    }
  });

  test('another process cannot open a held folder', async () => {
    const database = await PgliteDatabase.open(dataDir);
    try {
      // dist/ is built by the test global setup.
      const script = `require('./dist/src/store/pglite-database.js').PgliteDatabase.open(process.argv[1])
        .then(() => process.exit(0), (err) => { console.error(err.message); process.exit(3); })`;
      const child = spawnSync(process.execPath, ['-e', script, dataDir], { encoding: 'utf8' });
      expect(child.status).toBe(3);
      expect(child.stderr).toContain(`in use by another swarm-scaler process (pid ${process.pid}`);
      expect(child.stderr).toContain(dataDir);
    } finally {
      await database.close();
    }
  });
});
