/**
 * `swarm-scaler validate [FILE]`: loads a swarm config and prints what it means (rules and
 * triggers in base units, agents per category, how spawn names resolved, warnings), or every
 * error with its position. Exit 0 when valid, 2 when invalid.
 */
import { isAbsolute, resolve } from 'node:path';

import type { Command } from 'commander';

import { ConfigError, sortIssues } from '../../config/errors';
import { loadConfig } from '../../config/load';
import type { LoadedConfig } from '../../config/model';
import { formatSummary } from '../../config/summary';
import { DEFAULT_CONFIG } from '../defaults';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface ValidateOptions {
  config?: string;
  strict?: boolean;
  json?: boolean;
}

/** Resolves a config path given on the command line against the run's working directory. */
export function configPath(io: CliIo, file: string): string {
  return isAbsolute(file) || io.cwd === process.cwd() ? file : resolve(io.cwd, file);
}

/** Registers `validate`. */
export const registerValidate: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('validate')
    .description('check a swarm config and print what it means; exit 0 when valid, 2 when invalid')
    .argument('[file]', 'swarm YAML or Markdown document (default: --config)')
    .option('-c, --config <file>', 'swarm YAML or Markdown document', DEFAULT_CONFIG)
    .option(
      '--strict',
      'accept only agent ids in spawn lists, not capabilities, near matches or new roles',
    )
    .option('--json', 'print the result as JSON for machines')
    .action((file: string | undefined, options: ValidateOptions) => {
      const path = configPath(io, file ?? options.config ?? DEFAULT_CONFIG);
      let loaded: LoadedConfig;
      try {
        loaded = loadConfig(path, { strict: options.strict });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (options.json) io.stdout(`${JSON.stringify(invalidReport(err), null, 2)}\n`);
        else io.stderr(`${err.message}\n`);
        setExit(EXIT.invalidConfig);
        return;
      }
      if (options.json) {
        io.stdout(
          `${JSON.stringify({ valid: true, file: path, warnings: loaded.warnings, config: loaded.config }, null, 2)}\n`,
        );
      } else {
        io.stdout(formatSummary(loaded));
      }
      setExit(EXIT.ok);
    });
};

function invalidReport(err: ConfigError): object {
  const errors = sortIssues(err.issues).map(({ code, message, source }) => ({
    code,
    message,
    ...source,
  }));
  return { valid: false, file: err.file, errors };
}
