/**
 * Generates the JSON Schema of the swarm YAML from the zod schema, for editors (the
 * yaml-language-server reads it through the `$schema` comment on the file's first line).
 */
import { z } from 'zod';

import { swarmFileSchema } from './schema';

/** Path of the committed schema, relative to the repository root. */
export const SCHEMA_PATH = 'schema/swarm.schema.json';

/** Returns the JSON Schema of the swarm file as formatted JSON text with a final newline. */
export function generateJsonSchema(): string {
  // `io: 'input'` describes the file as written, so keys with defaults stay optional. Draft 7
  // keeps the schema readable by older JSON Schema validators and editor plugins.
  const schema = z.toJSONSchema(swarmFileSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
  });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
