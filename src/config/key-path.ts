/**
 * Key paths as operators type them (`auto-scale.max`, `scaling_rules.error_rate.threshold`),
 * mapped to paths in the YAML document.
 */
import { isMap, isScalar, isSeq, type Document, type Pair } from 'yaml';

/** Path of keys and list indexes into the YAML document. */
export type DocPath = (string | number)[];

/**
 * Short names for keys operators change often; the example document's own commands use the
 * first three. docs/config.md lists them.
 */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  'auto-scale.enabled': 'swarm.auto_scale.enabled',
  'auto-scale.max': 'swarm.auto_scale.max_agents',
  'auto-scale.min': 'swarm.auto_scale.min_agents',
  'auto-scale.strategy': 'swarm.auto_scale.strategy',
  'swarm.base': 'swarm.base_agents',
  'swarm.max': 'swarm.max_agents',
  topology: 'swarm.topology',
  'cpu.up': 'scaling_triggers.cpu_scaling.scale_up_threshold',
  'cpu.down': 'scaling_triggers.cpu_scaling.scale_down_threshold',
  'cpu.cooldown': 'scaling_triggers.cpu_scaling.cooldown',
  'queue.threshold': 'scaling_triggers.queue_scaling.pending_tasks_threshold',
  'error.threshold': 'scaling_triggers.error_scaling.error_rate_threshold',
};

const PREFIX_ALIASES: [string, string][] = [
  ['auto-scale.', 'swarm.auto_scale.'],
  ['auto_scale.', 'swarm.auto_scale.'],
];

/** Rewrites an alias such as `auto-scale.max` into its full key, leaving other keys alone. */
export function expandAlias(key: string): string {
  const exact = KEY_ALIASES[key];
  if (exact !== undefined) return exact;
  const prefix = PREFIX_ALIASES.find(([short]) => key.startsWith(short));
  return prefix ? prefix[1] + key.slice(prefix[0].length) : key;
}

/**
 * Maps a dotted key onto the document. Map keys are matched as written, then with `-` read as
 * `_`; list items by index or by agent `id`. Segments past the end of the document keep their
 * `_` spelling so that `set` can create them.
 */
export function resolveKeyPath(doc: Document, key: string): DocPath {
  const segments = expandAlias(key)
    .split('.')
    .filter((segment) => segment.length > 0);
  if (segments.length === 0)
    throw new KeyPathError(key, 'the key is empty: write a dotted key such as "swarm.max_agents"');
  const path: DocPath = [];
  let node: unknown = doc.contents;
  for (const segment of segments) {
    const step = stepInto(node, segment, key);
    path.push(step.key);
    node = step.node;
  }
  return path;
}

function stepInto(
  node: unknown,
  segment: string,
  key: string,
): { key: string | number; node: unknown } {
  if (isSeq(node)) {
    const index = /^\d+$/.test(segment)
      ? Number(segment)
      : node.items.findIndex((item) => isMap(item) && item.get('id') === segment);
    if (index < 0 || index >= node.items.length) {
      throw new KeyPathError(
        key,
        `"${segment}" is not an index or agent id of the list: use 0..${node.items.length - 1} or an id`,
      );
    }
    return { key: index, node: node.items[index] };
  }
  const underscored = segment.replace(/-/g, '_');
  if (isMap(node)) {
    for (const candidate of [segment, underscored]) {
      const pair = (node.items as Pair[]).find(
        (item) => isScalar(item.key) && String(item.key.value) === candidate,
      );
      if (pair) return { key: candidate, node: pair.value };
    }
  }
  return { key: /^\d+$/.test(segment) ? Number(segment) : underscored, node: undefined };
}

/** Raised for a key that cannot name a place in the document. */
export class KeyPathError extends Error {
  override name = 'KeyPathError';
  readonly code = 'KEY_PATH_INVALID';

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`key "${key}": ${reason}`);
  }
}
