import type { AgentCategory, AgentSpec, ResolvedRole } from '../../src/config/model';
import { RoleResolver, type Unresolved } from '../../src/config/resolve';
import { editDistance, hasSameStems, nearest } from '../../src/config/suggest';

function agent(id: string, category: string, capabilities: string[] = []): AgentSpec {
  return { id, category, capabilities, autoSpawnOn: [], knowledge: {} };
}

const CATEGORIES: AgentCategory[] = [
  {
    name: 'core',
    capacity: 6,
    dynamic: false,
    agents: [
      agent('actor-system-manager', 'core', ['actor-lifecycle', 'message-routing']),
      agent('systemcore-specialist', 'core', ['runtime-manager']),
    ],
  },
  {
    name: 'transport',
    capacity: 4,
    dynamic: false,
    agents: [
      agent('protocol-bridge-specialist', 'transport', ['grpc-http']),
      agent('nats-transport-expert', 'transport'),
    ],
  },
  {
    name: 'on_demand',
    capacity: 2,
    dynamic: true,
    agents: [agent('memory-optimizer', 'on_demand')],
  },
];

function resolveOne(names: string[], index = 0, strict = false): ResolvedRole | Unresolved {
  return new RoleResolver(CATEGORIES, strict).resolveList(names)[index];
}

describe('role resolution', () => {
  test.each([
    ['agent id', ['nats-transport-expert'], 'nats-transport-expert', 'transport', 'id'],
    ['capability', ['runtime-manager'], 'systemcore-specialist', 'core', 'capability'],
    ['id prefix', ['protocol-bridge'], 'protocol-bridge-specialist', 'transport', 'near'],
    ['same word stems', ['message-router'], 'actor-system-manager', 'core', 'near'],
    ['typo in an id', ['nats-transport-exprt'], 'nats-transport-expert', 'transport', 'near'],
    ['underscores for dashes', ['memory_optimizer'], 'memory-optimizer', 'on_demand', 'near'],
    [
      'created beside a resolved sibling',
      ['actor-supervisor', 'nats-transport-expert'],
      'actor-supervisor',
      'transport',
      'created',
    ],
    [
      'created by shared word stems',
      ['transport-auditor'],
      'transport-auditor',
      'transport',
      'created',
    ],
    [
      'created in the dynamic category',
      ['quantum-oracle'],
      'quantum-oracle',
      'on_demand',
      'created',
    ],
  ])('%s', (_case, names, role, category, via) => {
    expect(resolveOne(names)).toMatchObject({ requested: names[0], role, category, via });
  });

  test('a created role keeps its first category', () => {
    const resolver = new RoleResolver(CATEGORIES, false);
    resolver.resolveList(['helper-x', 'nats-transport-expert']);
    const [again] = resolver.resolveList(['helper-x', 'systemcore-specialist']);
    expect(again).toMatchObject({ category: 'transport', via: 'created' });
    expect(resolver.roles().map((r) => r.requested)).toEqual([
      'helper-x',
      'nats-transport-expert',
      'systemcore-specialist',
    ]);
  });

  test('strict mode accepts only agent ids', () => {
    expect(resolveOne(['nats-transport-expert'], 0, true)).toMatchObject({ via: 'id' });
    const rejected = resolveOne(['runtime-manager'], 0, true) as Unresolved;
    expect(rejected.message).toBe(
      '"runtime-manager" is not an agent id (lenient mode would resolve it to agent "systemcore-specialist" (capability of agent "systemcore-specialist")): write "systemcore-specialist", or load without --strict',
    );
  });
});

describe('near matches', () => {
  test.each([
    ['capabilites', 'capabilities', 1],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['', 'abc', 3],
  ])('%s to %s is %d edits', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  test('nearest keeps within the typo budget', () => {
    expect(nearest('scaling_rule', ['scaling_rules', 'swarm'])).toBe('scaling_rules');
    expect(nearest('cores', ['swarm', 'driver'])).toBeUndefined();
  });

  test.each([
    ['message-router', 'message-routing', true],
    ['actor-supervisor', 'supervision-tree', false],
    ['connection-pool-optimizer', 'connection-pooling', false],
  ])('%s and %s share stems: %p', (a, b, same) => {
    expect(hasSameStems(a, b)).toBe(same);
  });
});
