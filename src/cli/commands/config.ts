/**
 * `swarm-scaler config get KEY` and `config set KEY VALUE`: read and change one key of the swarm
 * YAML in place, keeping comments and layout. `set` validates the whole file before writing.
 */
import type { Command } from 'commander';
import { parse as parseYaml, stringify } from 'yaml';

import { ConfigEditor, EditError } from '../../config/config-edit';
import { ConfigError } from '../../config/errors';
import { KeyPathError, resolveKeyPath } from '../../config/key-path';
import { readConfigText } from '../../config/load';
import { DEFAULT_CONFIG } from '../defaults';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';
import { configPath } from './validate';

interface FileOptions {
  config: string;
  strict?: boolean;
  json?: boolean;
}

type SetExit = (code: number) => void;

/**
 * Opens the config for editing, runs `edit`, and saves after validation. Errors are printed
 * with their exit code: 2 for an invalid config or a rejected edit, 64 for a bad key.
 */
export function runEdit(
  io: CliIo,
  setExit: SetExit,
  options: FileOptions,
  edit: (editor: ConfigEditor) => string,
): void {
  runOnFile(io, setExit, options, (editor) => {
    const message = edit(editor);
    const { warnings } = editor.save({ strict: options.strict });
    io.stdout(`${message}\n`);
    if (warnings.length > 0)
      io.stderr(
        `${warnings.length} warning(s); run "swarm-scaler validate --config ${options.config}" to see them\n`,
      );
    return EXIT.ok;
  });
}

/** Opens the config and runs `action`, mapping config, edit and key errors to exit codes. */
export function runOnFile(
  io: CliIo,
  setExit: SetExit,
  options: FileOptions,
  action: (editor: ConfigEditor) => number,
): void {
  const file = configPath(io, options.config);
  try {
    if (/\.(md|markdown)$/i.test(file)) {
      throw new EditError(
        `${file} is a Markdown document: the edit commands change YAML files only, so pass the YAML file with --config`,
      );
    }
    setExit(action(new ConfigEditor(file, readConfigText(file))));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof EditError) {
      io.stderr(`${err.message}\n`);
      setExit(EXIT.invalidConfig);
    } else if (err instanceof KeyPathError) {
      io.stderr(`${err.message}\n`);
      setExit(EXIT.usage);
    } else {
      throw err;
    }
  }
}

/** Reads a value as YAML would (`60` a number, `true` a boolean), else keeps the text. */
export function parseValue(text: string): unknown {
  // YAML would read ` #` as the start of a comment and drop the rest of the value.
  if (/\s#/.test(text)) return text;
  try {
    return parseYaml(text) as unknown;
  } catch {
    return text;
  }
}

/** Registers `config get` and `config set`. */
export const registerConfig: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const config = program
    .command('config')
    .description('read or change one key of the swarm YAML in place, keeping comments and layout');

  config
    .command('get')
    .description(
      'print the value of KEY, such as auto-scale.max or scaling_rules.error_rate.threshold',
    )
    .argument('<key>', 'dotted key; aliases such as auto-scale.max are listed in docs/config.md')
    .option('-c, --config <file>', 'swarm YAML file', DEFAULT_CONFIG)
    .option('--json', 'print the value as JSON')
    .action((key: string, options: FileOptions) => {
      runOnFile(io, setExit, options, (editor) => {
        const path = resolveKeyPath(editor.document, key);
        const value = editor.get(path);
        if (value === undefined) {
          io.stderr(`${path.join('.')} is not set in ${editor.file}\n`);
          return EXIT.failure;
        }
        io.stdout(options.json ? `${JSON.stringify(value)}\n` : printable(value));
        return EXIT.ok;
      });
    });

  config
    .command('set')
    .description('set KEY to VALUE, validate the whole file, then write it atomically')
    .argument('<key>', 'dotted key; aliases such as auto-scale.max are listed in docs/config.md')
    .argument('<value>', 'value as YAML: 60, true, framework-aware, "70%", [a, b]')
    .option('-c, --config <file>', 'swarm YAML file', DEFAULT_CONFIG)
    .option('--strict', 'validate with strict name resolution before writing')
    .action((key: string, value: string, options: FileOptions) => {
      runEdit(io, setExit, options, (editor) => {
        const path = resolveKeyPath(editor.document, key);
        const parsed = parseValue(value);
        editor.set(path, parsed);
        return `set ${path.join('.')} = ${JSON.stringify(parsed)} in ${editor.file}`;
      });
    });
};

function printable(value: unknown): string {
  if (value !== null && typeof value === 'object') return stringify(value);
  return `${String(value)}\n`;
}
