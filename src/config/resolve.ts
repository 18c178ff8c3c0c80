/**
 * Resolves names in `spawn` lists to roles of the pool.
 *
 * Rules, first match wins (docs/config.md explains them with the example's names):
 * 1. `id`: an agent id, exactly.
 * 2. `capability`: a capability of an agent, exactly; the first such agent in file order.
 * 3. `near`: first an agent id that starts with the name and a dash (`protocol-bridge` finds
 *    `protocol-bridge-specialist`). Then an id or capability with the same word stems
 *    (`message-router` finds capability `message-routing`). Then an id or capability within a
 *    small edit distance (a typo).
 * 4. `created`: a new role named as written, in the category of the first sibling in the same
 *    list that matched by rules 1-3; else the category whose agents share the most word stems
 *    with the name; else the first dynamic category; else the first category.
 * Strict mode accepts rule 1 only and reports every other name with the match lenient mode made.
 */
import type { AgentCategory, AgentSpec, ResolvedRole } from './model';
import { editDistance, hasSameStems, normalize, stems, typoBudget } from './suggest';

/** A name that strict mode rejects, with what lenient mode would have done. */
export interface Unresolved {
  requested: string;
  message: string;
}

/** Resolver of spawn names against the agents of a config, caching each name's first result. */
export class RoleResolver {
  private readonly agents: AgentSpec[];
  private readonly resolved = new Map<string, ResolvedRole>();

  constructor(
    private readonly categories: AgentCategory[],
    private readonly strict: boolean,
  ) {
    this.agents = categories.flatMap((category) => category.agents);
  }

  /**
   * Resolves the names of one spawn list. Created roles go to the category of the first sibling
   * that matched an agent, which is why the list is resolved as a whole.
   */
  resolveList(names: string[]): (ResolvedRole | Unresolved)[] {
    const matches = names.map((name) => this.resolved.get(name) ?? this.match(name));
    const anchor = matches.find((m): m is ResolvedRole => m !== undefined && m.via !== 'created');
    return names.map((name, index) => {
      const role = matches[index] ?? this.create(name, anchor);
      if (this.strict && role.via !== 'id') return rejection(role);
      if (!this.resolved.has(name)) this.resolved.set(name, role);
      return role;
    });
  }

  /** Returns every name resolved so far, in order of first appearance. */
  roles(): ResolvedRole[] {
    return [...this.resolved.values()];
  }

  private match(requested: string): ResolvedRole | undefined {
    const byId = this.agents.find((agent) => agent.id === requested);
    if (byId) return role(requested, byId, 'id', `agent id`);
    const byCapability = this.agents.filter((agent) => agent.capabilities.includes(requested));
    if (byCapability.length > 0) {
      const others = byCapability.slice(1).map((agent) => `"${agent.id}"`);
      const also = others.length > 0 ? `; ${others.join(', ')} also has it` : '';
      return role(
        requested,
        byCapability[0],
        'capability',
        `capability of agent "${byCapability[0].id}"${also}`,
      );
    }
    return this.near(requested);
  }

  private near(requested: string): ResolvedRole | undefined {
    const wanted = normalize(requested);
    const byPrefix = this.agents.find((agent) => normalize(agent.id).startsWith(`${wanted}-`));
    if (byPrefix) return role(requested, byPrefix, 'near', `prefix of agent id "${byPrefix.id}"`);
    for (const agent of this.agents) {
      const name = [agent.id, ...agent.capabilities].find((candidate) =>
        hasSameStems(requested, candidate),
      );
      if (name)
        return role(requested, agent, 'near', `same word stems as ${describe(agent, name)}`);
    }
    let best: { agent: AgentSpec; name: string; distance: number } | undefined;
    for (const agent of this.agents) {
      for (const name of [agent.id, ...agent.capabilities]) {
        const distance = editDistance(wanted, normalize(name));
        if (distance <= typoBudget(wanted) && (best === undefined || distance < best.distance)) {
          best = { agent, name, distance };
        }
      }
    }
    if (!best) return undefined;
    return role(
      requested,
      best.agent,
      'near',
      `${best.distance} edit(s) from ${describe(best.agent, best.name)}`,
    );
  }

  private create(requested: string, anchor: ResolvedRole | undefined): ResolvedRole {
    const [category, why] = anchor
      ? [
          this.categories.find((c) => c.name === anchor.category),
          `category of sibling "${anchor.requested}"`,
        ]
      : this.categoryByStems(requested);
    const name = category?.name ?? '';
    const spec: AgentSpec = {
      id: requested,
      category: name,
      capabilities: [],
      autoSpawnOn: [],
      knowledge: {},
    };
    return { requested, role: requested, category: name, via: 'created', spec, reason: why };
  }

  private categoryByStems(requested: string): [AgentCategory | undefined, string] {
    const wanted = new Set(stems(requested));
    let best: { category: AgentCategory; score: number } | undefined;
    for (const category of this.categories) {
      const words = category.agents.flatMap((agent) =>
        [agent.id, ...agent.capabilities].flatMap(stems),
      );
      const score = new Set(words.filter((word) => wanted.has(word))).size;
      if (score > 0 && (best === undefined || score > best.score)) best = { category, score };
    }
    if (best) return [best.category, `its agents share ${best.score} word stem(s) with the name`];
    const dynamic = this.categories.find((category) => category.dynamic);
    if (dynamic) return [dynamic, 'first dynamic category'];
    return [this.categories[0], 'first category'];
  }
}

function role(
  requested: string,
  spec: AgentSpec,
  via: ResolvedRole['via'],
  reason: string,
): ResolvedRole {
  return { requested, role: spec.id, category: spec.category, via, spec, reason };
}

function describe(agent: AgentSpec, name: string): string {
  return name === agent.id
    ? `agent id "${agent.id}"`
    : `capability "${name}" of agent "${agent.id}"`;
}

function rejection(role: ResolvedRole): Unresolved {
  const lenient =
    role.via === 'created'
      ? `lenient mode would create it as a new role in ${role.category}`
      : `lenient mode would resolve it to agent "${role.role}" (${role.reason ?? role.via})`;
  const fix = role.via === 'created' ? 'define an agent with this id' : `write "${role.role}"`;
  return {
    requested: role.requested,
    message: `"${role.requested}" is not an agent id (${lenient}): ${fix}, or load without --strict`,
  };
}
