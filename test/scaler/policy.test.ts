import type { SwarmConfig } from '../../src/config/model';
import { decide } from '../../src/scaler/policy';
import { EXAMPLE_CONFIG } from './fixtures';
import { PolicySim, type SimNotification } from './policy-sim';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;

function settledSim(config: SwarmConfig = EXAMPLE_CONFIG): PolicySim {
  const sim = new PolicySim(config, T0);
  sim.step();
  return sim;
}

function fire(
  rule: string,
  kind: SimNotification['kind'],
  extra: Partial<SimNotification> = {},
): SimNotification {
  return { fingerprint: `${kind}-${rule}`, startsAt: T0, status: 'firing', rule, kind, ...extra };
}

describe('policy base pool', () => {
  test('empty pool gets the base composition', () => {
    const sim = settledSim();
    expect(sim.pool).toHaveLength(20);
    expect(sim.plans[0].spawn.every((step) => step.cause === 'base')).toBe(true);
  });

  test('lost base agent is replaced with its role', () => {
    const sim = settledSim();
    const lost = sim.pool.find((agent) => agent.role === 'saga-coordinator');
    sim.pool = sim.pool.filter((agent) => agent !== lost);
    const plan = sim.step();
    expect(plan.spawn.map((step) => step.role)).toEqual(['saga-coordinator']);
  });

  test('desired equals base with no alerts', () => {
    expect(settledSim().plans[0].desired).toBe(20);
  });
});

describe('policy triggers', () => {
  test('actor_system_load spawns its two specialists', () => {
    const sim = settledSim();
    sim.deliver([fire('actor_system_load', 'rule')]);
    const plan = sim.step();
    const resolved =
      EXAMPLE_CONFIG.scalingRules.find((rule) => rule.name === 'actor_system_load')?.spawn ?? [];
    expect(resolved.map((role) => role.requested)).toEqual(['actor-supervisor', 'message-router']);
    expect(plan.spawn.map((step) => step.role)).toEqual(resolved.map((role) => role.role));
    expect(sim.pool).toHaveLength(22);
    expect(plan.desired).toBe(22);
  });

  test('cpu up adds agents_per_trigger agents', () => {
    const sim = settledSim();
    sim.deliver([fire('cpu_scaling', 'cpu')]);
    expect(sim.step().spawn).toHaveLength(5);
  });

  test('cpu down retires cpu agents after stabilization', () => {
    const sim = settledSim();
    sim.deliver([fire('cpu_scaling', 'cpu')]);
    sim.step();
    sim.now += 2 * MINUTE;
    sim.deliver([
      {
        fingerprint: 'cpu-down',
        startsAt: sim.now,
        status: 'firing',
        rule: 'cpu_scaling',
        kind: 'cpu',
        direction: 'down',
      },
    ]);
    expect(sim.step().skipped.map((skip) => skip.reason)).toContain('stabilization');
    sim.now += 2 * MINUTE;
    const plan = sim.step();
    expect(plan.retire).toHaveLength(5);
    expect(sim.pool).toHaveLength(20);
  });

  test('cpu up waits for its cooldown', () => {
    const sim = settledSim();
    sim.deliver([fire('cpu_scaling', 'cpu')]);
    sim.step();
    sim.deliver([fire('cpu_scaling', 'cpu', { fingerprint: 'cpu-2' })]);
    const plan = sim.step();
    expect(plan.spawn).toHaveLength(0);
    expect(plan.skipped[0]).toMatchObject({ reason: 'cooldown', dueAt: T0 + 60_000 });
  });

  test('queue with high priority fills the first category', () => {
    const sim = settledSim();
    sim.deliver([fire('queue_scaling', 'queue', { labels: { priority: 'high' } })]);
    const plan = sim.step();
    expect(plan.spawn).toHaveLength(3);
    expect(plan.spawn.every((step) => step.category === 'core_architecture')).toBe(true);
  });

  test('queue task_type picks the matching agent', () => {
    const sim = settledSim();
    sim.deliver([fire('queue_scaling', 'queue', { labels: { task_type: 'query-optimization' } })]);
    expect(sim.step().spawn.map((step) => step.role)).toEqual([
      'postgresql-architect',
      'postgresql-architect',
      'postgresql-architect',
    ]);
  });

  test('dynamic specialist stays within the dynamic capacity', () => {
    const sim = settledSim();
    for (let index = 0; index < 10; index += 1) {
      sim.deliver([fire('performance-profiler', 'dynamic', { fingerprint: `dyn-${index}` })]);
      sim.now += 2 * MINUTE;
      sim.step();
    }
    expect(sim.categoryCounts().get('dynamic_pool')).toBe(7);
  });

  test('framework trigger spawns its roles', () => {
    const sim = settledSim();
    sim.deliver([fire('actor_count', 'framework')]);
    expect(
      sim
        .step()
        .spawn.map((step) => step.role)
        .sort(),
    ).toEqual(['actor-system-manager', 'supervision-tree-architect']);
  });

  test('event spawns the agents that auto-spawn on it', () => {
    const sim = settledSim();
    sim.deliver([fire('system_initialization', 'event')]);
    expect(sim.step().spawn.map((step) => step.role)).toEqual(['systemcore-specialist']);
  });
});

describe('policy scale-down', () => {
  test('resolution retires after stabilization', () => {
    const sim = settledSim();
    sim.deliver([fire('actor_system_load', 'rule')]);
    sim.step();
    sim.now += 5 * MINUTE;
    sim.deliver([fire('actor_system_load', 'rule', { status: 'resolved' })]);
    const early = sim.step();
    expect(early.retire).toHaveLength(0);
    expect(early.skipped[0]).toMatchObject({ reason: 'stabilization', dueAt: sim.now + 60_000 });
    sim.now += MINUTE;
    expect(sim.step().retire).toHaveLength(2);
    expect(sim.pool).toHaveLength(20);
  });

  test('frozen pipeline keeps the agents', () => {
    const sim = settledSim();
    sim.deliver([fire('actor_system_load', 'rule')]);
    sim.step();
    sim.deliver([fire('actor_system_load', 'rule', { status: 'resolved' })]);
    sim.controls = { ...sim.controls, frozen: true };
    sim.now += 10 * MINUTE;
    const plan = sim.step();
    expect(plan.retire).toHaveLength(0);
    expect(plan.skipped.map((skip) => skip.reason)).toEqual(['frozen']);
  });

  test('new firing adopts agents of a resolved instance', () => {
    const sim = settledSim();
    sim.deliver([fire('actor_system_load', 'rule')]);
    sim.step();
    sim.now += 2 * MINUTE;
    sim.deliver([fire('actor_system_load', 'rule', { status: 'resolved' })]);
    sim.step();
    sim.deliver([fire('actor_system_load', 'rule', { startsAt: sim.now })]);
    const plan = sim.step();
    expect(plan.spawn).toHaveLength(0);
    expect(plan.adopt).toHaveLength(2);
    expect(sim.pool).toHaveLength(22);
  });
});

describe('policy controls', () => {
  test('paused skips every alert', () => {
    const sim = settledSim();
    sim.controls = { ...sim.controls, paused: true };
    sim.deliver([fire('actor_system_load', 'rule')]);
    const plan = sim.step();
    expect(plan.spawn).toHaveLength(0);
    expect(plan.skipped.map((skip) => skip.reason)).toEqual(['paused']);
  });

  test('pin grows and shrinks the pool', () => {
    const sim = settledSim();
    sim.controls = { ...sim.controls, targetPin: 30 };
    sim.step();
    expect(sim.pool).toHaveLength(30);
    sim.controls = { ...sim.controls, targetPin: 24 };
    sim.step();
    expect(sim.pool).toHaveLength(24);
    sim.controls = { ...sim.controls, targetPin: null };
    sim.step();
    expect(sim.pool).toHaveLength(20);
  });

  test('policy does not modify its input', () => {
    const sim = settledSim();
    sim.deliver([fire('actor_system_load', 'rule')]);
    const input = {
      now: sim.now,
      pool: sim.pool,
      alerts: [...sim.alerts.values()],
      clocks: sim.clocks,
      controls: sim.controls,
    };
    const snapshot = JSON.stringify(input);
    const first = decide(EXAMPLE_CONFIG, input);
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(decide(EXAMPLE_CONFIG, input)).toEqual(first);
  });
});

describe('policy spawn lists', () => {
  test('two names resolving to one role spawn two agents', () => {
    const sim = settledSim();
    sim.deliver([fire('systemcore_operations', 'rule')]);
    const plan = sim.step();
    expect(plan.spawn.map((step) => step.role)).toEqual([
      'systemcore-specialist',
      'systemcore-specialist',
    ]);
  });
});
