/**
 * The `swarm-scaler` command line. Each verb lives in its own file under src/cli/commands and
 * registers itself on the program; `run` returns an exit code and only bin/ calls process.exit.
 */
import { Command, CommanderError } from 'commander';

import { ConfigError } from '../config/errors';
import { DriverConfigError } from '../pool/options';
import { SettingsError } from '../server/settings';
import { EXIT, type CliIo } from './io';
import { COMMANDS } from './commands';

export { DEFAULT_CONFIG } from './defaults';

/** Builds the program; `setExit` receives the exit code of the verb that ran. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('swarm-scaler')
    .description('Prometheus-native autoscaler for agent swarms')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of COMMANDS) register(program, io, setExit);
  return program;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof SettingsError || err instanceof DriverConfigError) {
      io.stderr(`swarm-scaler: ${err.message}\n`);
      return EXIT.invalidConfig;
    }
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return EXIT.invalidConfig;
    }
    io.stderr(`swarm-scaler: ${describeError(err)}\n`);
    return EXIT.failure;
  }
}

/** Joins an error's message with the messages of its causes that it does not already contain. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let text = err.message;
  let cause: unknown = err.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (cause.message && !text.includes(cause.message)) text += `: ${cause.message}`;
    cause = cause.cause;
  }
  return text;
}
