/** Standard streams of a CLI run, passed in so that commands can be tested in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Returns the process's own streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  failure: 1,
  invalidConfig: 2,
  usage: 64,
} as const;
