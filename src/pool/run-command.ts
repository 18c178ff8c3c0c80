/**
 * Runs one command of the exec driver with `execFile`: no shell, a deadline, bounded output, and
 * the exit status returned rather than thrown.
 */
import { execFile, type ExecFileException } from 'node:child_process';

import { DriverError } from './driver';

/** Exit status and output of a finished command. */
export interface CommandResult {
  /** Exit code, or null when a signal ended the process. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Settings of one run. */
export interface RunCommandOptions {
  timeoutMs: number;
  /** Kills the process when aborted. */
  signal?: AbortSignal;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes of stdout or stderr kept before the process is killed. */
  maxOutputBytes: number;
}

/**
 * Runs `file` with `args`; resolves with the exit status, including a non-zero one. Rejects with
 * a `DriverError` when the program cannot start, times out or writes too much output.
 */
export function runCommand(
  file: string,
  args: string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        shell: false,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        signal: options.signal,
        cwd: options.cwd,
        env: options.env,
        maxBuffer: options.maxOutputBytes,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const durationMs = Math.round(performance.now() - startedAt);
        if (!error) return resolve({ exitCode: 0, signal: null, stdout, stderr, durationMs });
        const failure = toStartFailure(error, file, options.timeoutMs);
        if (failure) return reject(failure);
        resolve({
          exitCode: exitCodeOf(error),
          signal: signalOf(error),
          stdout,
          stderr,
          durationMs,
        });
      },
    );
  });
}

function toStartFailure(
  error: ExecFileException,
  file: string,
  timeoutMs: number,
): DriverError | undefined {
  if (error.name === 'AbortError' || (error.killed && error.signal === 'SIGKILL')) {
    return new DriverError(
      `command ${file} did not finish within ${timeoutMs} ms and was killed: make it return sooner or raise driver.timeout`,
      'timeout',
      true,
      { cause: error },
    );
  }
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    return new DriverError(
      `command ${file} cannot be run (${error.code}): check the program name and permissions in the driver.options templates`,
      'unreachable',
      false,
      { cause: error },
    );
  }
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return new DriverError(
      `command ${file} wrote more output than allowed and was killed`,
      'invalid_response',
      false,
      {
        cause: error,
      },
    );
  }
  if (typeof error.code === 'string') {
    return new DriverError(
      `command ${file} failed to start: ${error.message}`,
      'unreachable',
      true,
      { cause: error },
    );
  }
  return undefined;
}

function exitCodeOf(error: ExecFileException): number | null {
  return typeof error.code === 'number' ? error.code : null;
}

function signalOf(error: ExecFileException): NodeJS.Signals | null {
  return (error.signal as NodeJS.Signals | undefined) ?? null;
}
