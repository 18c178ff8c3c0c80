/**
 * Resolves names in `spawn` lists to roles of the pool.
 *
 * Order: an agent id, then an agent that lists the name as a capability, then an agent id that
 * starts with the name (`protocol-bridge` finds `protocol-bridge-specialist`). In lenient mode a
 * name that matches nothing becomes a new role in the category given by the caller.
 */
import type { AgentCategory, AgentSpec, ResolvedRole } from './model';

export class RoleResolver {
  private readonly agents: AgentSpec[];
  private readonly resolved = new Map<string, ResolvedRole>();

  constructor(
    private readonly categories: AgentCategory[],
    private readonly strict: boolean,
  ) {
    this.agents = categories.flatMap((category) => category.agents);
  }

  /** Resolves one name; `fallbackCategory` receives created roles. Returns a message on failure. */
  resolve(requested: string, fallbackCategory: string): ResolvedRole | string {
    const known = this.resolved.get(requested);
    if (known) return known;
    const role = this.match(requested, fallbackCategory);
    // A created role is cached only once its category is known, so a lookup with no category
    // (used to find a sibling's category first) does not fix it in the wrong place.
    const isFinal = typeof role !== 'string' && (role.via !== 'created' || fallbackCategory !== '');
    if (isFinal) this.resolved.set(requested, role);
    return role;
  }

  /** Every name resolved so far, in order of first appearance. */
  roles(): ResolvedRole[] {
    return [...this.resolved.values()];
  }

  private match(requested: string, fallbackCategory: string): ResolvedRole | string {
    const byId = this.agents.find((agent) => agent.id === requested);
    if (byId) return this.role(requested, byId, 'id');
    const byCapability = this.agents.find((agent) => agent.capabilities.includes(requested));
    if (byCapability) return this.role(requested, byCapability, 'capability');
    const byPrefix = this.agents.find((agent) => agent.id.startsWith(`${requested}-`));
    if (byPrefix) return this.role(requested, byPrefix, 'near');
    if (this.strict) {
      return `"${requested}" is not an agent id or capability of any category`;
    }
    const category = this.categories.find((c) => c.name === fallbackCategory) ?? this.categories[0];
    const spec: AgentSpec = {
      id: requested,
      category: category.name,
      capabilities: [],
      autoSpawnOn: [],
      knowledge: {},
    };
    return { requested, role: requested, category: category.name, via: 'created', spec };
  }

  private role(requested: string, spec: AgentSpec, via: ResolvedRole['via']): ResolvedRole {
    return { requested, role: spec.id, category: spec.category, via, spec };
  }
}
