/**
 * An exclusive lock on a PGlite data folder. PGlite does not stop a second process from opening
 * the same folder, and two writers lose each other's commits, so `serve` holds a lock file with
 * its pid while the folder is open.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '../log';
import { StoreError } from './errors';

/** Name of the lock file inside the data folder. */
export const LOCK_FILE_NAME = 'swarm-scaler.lock';

/** A held lock; `release` removes the file and may be called more than once. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Creates the lock file atomically (`wx`). A lock whose pid is no longer running is stale: it is
 * taken over with a warning. A live pid makes this throw a StoreError naming the folder and pid.
 */
export function lockDataDir(dataDir: string, logger?: Logger): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  if (!tryCreate(path)) {
    const owner = readOwner(path);
    if (owner !== undefined && isRunning(owner))
      throw new StoreError(
        `the data folder ${dataDir} is in use by another swarm-scaler process (pid ${owner}, lock file ${path}): stop that process first, or pass a different --data-dir`,
        'store_locked',
        false,
      );
    logger?.warn({ path, stalePid: owner ?? null }, 'taking over a stale data folder lock');
    rmSync(path, { force: true });
    if (!tryCreate(path))
      throw new StoreError(
        `the data folder ${dataDir} was locked by another process while a stale lock was removed (lock file ${path}): stop the other process first`,
        'store_locked',
        false,
      );
  }
  let isHeld = true;
  return {
    path,
    release() {
      if (!isHeld) return;
      isHeld = false;
      rmSync(path, { force: true });
    },
  };
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(`could not create the lock file ${path}`, 'store_locked', false, {
      cause: err,
    });
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Returns the pid in the lock file, or undefined when it is empty or unreadable. */
function readOwner(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// NOTE: a pid reused by an unrelated process after a crash keeps the lock; remove the file by hand.
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
