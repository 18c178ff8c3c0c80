/**
 * `swarm-scaler schema`: prints the JSON Schema of the swarm YAML, generated from the zod schema,
 * or writes it to schema/swarm.schema.json where editors find it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import type { Command } from 'commander';

import { generateJsonSchema, SCHEMA_PATH } from '../../config/json-schema';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface SchemaOptions {
  write?: boolean | string;
  check?: boolean | string;
}

/** Registers `schema`. */
export const registerSchema: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('schema')
    .description('print the JSON Schema of the swarm YAML, for editors and other validators')
    .option(
      '--write [file]',
      `write the schema to a file instead of stdout (default ${SCHEMA_PATH})`,
    )
    .option(
      '--check [file]',
      `exit 1 when the file differs from the generated schema (default ${SCHEMA_PATH})`,
    )
    .action((options: SchemaOptions) => {
      const schema = generateJsonSchema();
      const target = (value: boolean | string) =>
        resolve(io.cwd, typeof value === 'string' ? value : SCHEMA_PATH);
      if (options.check !== undefined) {
        setExit(checkSchema(target(options.check), schema, io));
        return;
      }
      if (options.write !== undefined) {
        const file = target(options.write);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, schema);
        io.stdout(`wrote ${file}\n`);
      } else {
        io.stdout(schema);
      }
      setExit(EXIT.ok);
    });
};

function checkSchema(file: string, schema: string, io: CliIo): number {
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === schema) return EXIT.ok;
  io.stderr(
    `${file} is ${current === undefined ? 'missing' : 'out of date'}: run "swarm-scaler schema --write"\n`,
  );
  return EXIT.failure;
}
