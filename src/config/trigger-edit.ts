/**
 * Adds and removes entries of `scaling_triggers.framework_scaling` through the in-place editor,
 * mapping an operator's trigger name (`actor-load`, `db-connections`) to a catalogue measure.
 */
import { findMeasure, measureNames } from '../catalog/measures';
import { EditError, type ConfigEditor } from './config-edit';
import { ENTRY_NAME } from './schema';

/** A trigger as given on the command line. */
export interface TriggerRequest {
  name: string;
  threshold: string | number;
  spawn: string[];
  measure?: string;
  query?: string;
  for?: string;
  cooldown?: string;
}

const FRAMEWORK = ['scaling_triggers', 'framework_scaling'];
const BUILT_IN = ['cpu_scaling', 'queue_scaling', 'error_scaling'];

// Short words operators use for the words of measure names.
const ABBREVIATIONS: Record<string, string> = {
  db: 'database',
  pg: 'database',
  conn: 'connections',
  conns: 'connections',
  msgs: 'throughput',
  err: 'error',
  errors: 'error',
  mem: 'memory',
  latency: 'time',
  actors: 'actor',
};

/** Writes a trigger name as a config key: `actor-load` becomes `actor_load`. */
export function triggerKey(name: string): string {
  const key = name.trim().replace(/-/g, '_');
  if (!ENTRY_NAME.test(key)) {
    throw new EditError(
      `trigger name "${name}" is invalid: use letters, digits, "_" or "-", starting with a letter, such as "actor-load"`,
    );
  }
  return key;
}

/**
 * Finds the catalogue measure a trigger name stands for: the name itself, else the one measure
 * whose words include every word of the name (after expanding `db`, `msgs` and the like).
 * Returns undefined when no measure or several fit.
 */
export function measureForName(name: string): { measure?: string; candidates: string[] } {
  const key = name.replace(/-/g, '_');
  if (findMeasure(key)) return { measure: key, candidates: [key] };
  const words = key
    .split('_')
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word);
  const candidates = measureNames().filter((measure) => {
    const parts = measure.split('_');
    return words.every((word) => parts.includes(word));
  });
  return candidates.length === 1 ? { measure: candidates[0], candidates } : { candidates };
}

/** Adds a framework trigger; the caller saves, which validates the whole file. */
export function addTrigger(editor: ConfigEditor, request: TriggerRequest): string {
  const key = triggerKey(request.name);
  if (editor.get([...FRAMEWORK, key]) !== undefined || BUILT_IN.includes(key)) {
    throw new EditError(
      `trigger "${key}" already exists: remove it first with "triggers remove --name ${key}", or choose another name`,
    );
  }
  if (request.spawn.length === 0)
    throw new EditError(
      'no agents to spawn: pass --spawn with an agent id, such as --spawn actor-system-manager',
    );
  const entry: Record<string, unknown> = {};
  const measure =
    request.measure ?? (request.query === undefined ? measureFor(request.name, key) : undefined);
  if (measure !== undefined && measure !== key) entry.measure = measure;
  if (request.query !== undefined) entry.query = request.query;
  entry.threshold = request.threshold;
  entry.spawn = request.spawn;
  if (request.for !== undefined) entry.for = request.for;
  if (request.cooldown !== undefined) entry.cooldown = request.cooldown;
  editor.set([...FRAMEWORK, key], entry);
  return key;
}

/** Removes a framework trigger, or one of `cpu_scaling`, `queue_scaling`, `error_scaling`. */
export function removeTrigger(editor: ConfigEditor, name: string): string {
  const key = triggerKey(name);
  const path = BUILT_IN.includes(key) ? ['scaling_triggers', key] : [...FRAMEWORK, key];
  if (editor.get(path) === undefined) {
    const names = Object.keys((editor.get(FRAMEWORK) as Record<string, unknown> | undefined) ?? {});
    throw new EditError(
      `trigger "${key}" not found: existing framework triggers are ${names.join(', ') || '(none)'}`,
    );
  }
  editor.remove(path);
  return key;
}

function measureFor(name: string, key: string): string {
  const { measure, candidates } = measureForName(name);
  if (measure !== undefined) return measure;
  const choices = candidates.length > 0 ? candidates : measureNames();
  const problem =
    candidates.length > 1
      ? `fits several measures (${candidates.join(', ')})`
      : 'names no catalogue measure';
  throw new EditError(
    `trigger name "${key}" ${problem}: pass --measure with one of ${choices.join(', ')}, or --query with the PromQL to watch`,
  );
}
