/**
 * Facts the exporter reads from the swarm config's agent knowledge: PostgreSQL pool sizes
 * (`primary_pool: 20`, ...) and JetStream KV TTLs (`ttl_session: "60m"`, ...).
 *
 * The example puts them in the `config_knowledge` of `postgresql-architect` and
 * `jetstream-kv-specialist`; any agent's knowledge is searched, so a renamed agent still works.
 */
import { KV_BUCKETS, PG_POOLS } from '../catalog/signals';
import type { SwarmConfig } from '../config/model';
import { parseDuration, parseNumber } from '../config/quantity';

/** Returns every `config_knowledge`-style object of every agent, outermost first. */
function knowledgeObjects(config: SwarmConfig): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    found.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) visit(child);
  };
  for (const category of config.categories) {
    for (const agent of category.agents) visit(agent.knowledge);
  }
  return found;
}

/** Returns the first value of `key` found in any agent's knowledge, converted by `parse`. */
function findKnowledge(
  config: SwarmConfig,
  key: string,
  parse: (v: unknown) => number,
): number | undefined {
  for (const object of knowledgeObjects(config)) {
    if (!(key in object)) continue;
    try {
      return parse(object[key]);
    } catch {
      // An unreadable value is treated as absent; `swarm-scaler validate` reports the config.
      return undefined;
    }
  }
  return undefined;
}

/** Returns the configured maximum size of each PostgreSQL pool (`<pool>_pool`), where given. */
export function configuredPoolSizes(config: SwarmConfig): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const pool of PG_POOLS) {
    const size = findKnowledge(config, `${pool}_pool`, parseNumber);
    if (size !== undefined) sizes.set(pool, size);
  }
  return sizes;
}

/** Returns the configured TTL in seconds of each KV bucket (`ttl_<bucket>`), where given. */
export function configuredKvTtls(config: SwarmConfig): Map<string, number> {
  const ttls = new Map<string, number>();
  for (const bucket of KV_BUCKETS) {
    const ttl = findKnowledge(config, `ttl_${bucket}`, parseDuration);
    if (ttl !== undefined) ttls.set(bucket, ttl);
  }
  return ttls;
}
