import fc from 'fast-check';

import type { SwarmConfig } from '../../src/config/model';
import { instanceKey } from '../../src/scaler/types';
import { EXAMPLE_CONFIG } from './fixtures';
import { PolicySim, type SimNotification } from './policy-sim';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;

/** Alert templates covering every acting kind of the example config. */
const TEMPLATES: Omit<SimNotification, 'status' | 'startsAt' | 'fingerprint'>[] = [
  ...EXAMPLE_CONFIG.scalingRules.map((rule) => ({ rule: rule.name, kind: 'rule' as const })),
  ...EXAMPLE_CONFIG.triggers.framework.map((trigger) => ({
    rule: trigger.name,
    kind: 'framework' as const,
  })),
  { rule: 'cpu_scaling', kind: 'cpu' },
  { rule: 'queue_scaling', kind: 'queue', labels: { priority: 'high' } },
  { rule: 'queue_scaling', kind: 'queue', labels: { task_type: 'subject-design' } },
  { rule: 'error_scaling', kind: 'error' },
  { rule: 'performance-profiler', kind: 'dynamic' },
  { rule: 'memory-optimizer', kind: 'dynamic' },
  { rule: 'deadlock-detector', kind: 'dynamic' },
  { rule: 'system_initialization', kind: 'event' },
];

const notificationArb: fc.Arbitrary<SimNotification> = fc
  .record({
    template: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
    variant: fc.integer({ min: 0, max: 2 }),
    startOffset: fc.integer({ min: 0, max: 2 }),
    status: fc.constantFrom<'firing' | 'resolved'>('firing', 'firing', 'resolved'),
  })
  .map(({ template, variant, startOffset, status }) => ({
    ...TEMPLATES[template],
    fingerprint: `fp-${template}-${variant}`,
    startsAt: T0 + startOffset * MINUTE,
    status,
  }));

const boundsArb = fc
  .record({
    min: fc.integer({ min: 0, max: 20 }),
    extraBase: fc.integer({ min: 0, max: 10 }),
    extraMax: fc.integer({ min: 0, max: 30 }),
    capacities: fc.array(fc.integer({ min: 1, max: 15 }), {
      minLength: EXAMPLE_CONFIG.categories.length,
      maxLength: EXAMPLE_CONFIG.categories.length,
    }),
  })
  .map(({ min, extraBase, extraMax, capacities }): SwarmConfig => {
    const base = min + extraBase;
    return {
      ...EXAMPLE_CONFIG,
      swarm: { ...EXAMPLE_CONFIG.swarm, baseAgents: base, maxAgents: base + extraMax },
      autoScale: { ...EXAMPLE_CONFIG.autoScale, minAgents: min, maxAgents: base + extraMax },
      categories: EXAMPLE_CONFIG.categories.map((category, index) => ({
        ...category,
        capacity: capacities[index],
      })),
    };
  });

type Command =
  | { type: 'deliver'; notifications: SimNotification[] }
  | { type: 'advance'; minutes: number }
  | { type: 'pin'; target: number | null }
  | { type: 'freeze'; frozen: boolean };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(notificationArb, { minLength: 1, maxLength: 4 })
      .map((notifications) => ({ type: 'deliver' as const, notifications })),
  },
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: 0, max: 5 })
      .map((minutes) => ({ type: 'advance' as const, minutes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .option(fc.integer({ min: 0, max: 70 }))
      .map((target) => ({ type: 'pin' as const, target })),
  },
  { weight: 1, arbitrary: fc.boolean().map((frozen) => ({ type: 'freeze' as const, frozen })) },
);

function checkBounds(sim: PolicySim, config: SwarmConfig, hasReachedMin: boolean): void {
  expect(sim.pool.length).toBeLessThanOrEqual(config.autoScale.maxAgents);
  for (const category of config.categories) {
    expect(sim.categoryCounts().get(category.name) ?? 0).toBeLessThanOrEqual(category.capacity);
  }
  if (hasReachedMin) expect(sim.pool.length).toBeGreaterThanOrEqual(config.autoScale.minAgents);
}

describe('policy properties', () => {
  test('pool stays within bounds', () => {
    fc.assert(
      fc.property(boundsArb, fc.array(commandArb, { maxLength: 40 }), (config, commands) => {
        const sim = new PolicySim(config, T0);
        sim.step();
        let hasReachedMin = sim.pool.length >= config.autoScale.minAgents;
        checkBounds(sim, config, hasReachedMin);
        for (const command of commands) {
          if (command.type === 'deliver') sim.deliver(command.notifications);
          if (command.type === 'advance') sim.now += command.minutes * MINUTE;
          if (command.type === 'pin') sim.controls = { ...sim.controls, targetPin: command.target };
          if (command.type === 'freeze') sim.controls = { ...sim.controls, frozen: command.frozen };
          sim.step();
          hasReachedMin ||= sim.pool.length >= config.autoScale.minAgents;
          checkBounds(sim, config, hasReachedMin);
        }
      }),
      { numRuns: 300 },
    );
  });

  // Without preemption, the first instance to act keeps contended slots, so this property is
  // checked where no step was skipped for a full category or max_agents.
  test('order and duplicates do not change the pool', () => {
    let checked = 0;
    const scenario = fc
      .array(notificationArb, { minLength: 1, maxLength: 8 })
      .chain((notifications) =>
        fc.record({
          notifications: fc.constant(notifications),
          first: fc.shuffledSubarray(notifications, {
            minLength: notifications.length,
            maxLength: notifications.length,
          }),
          second: fc.shuffledSubarray(notifications, {
            minLength: notifications.length,
            maxLength: notifications.length,
          }),
          duplicates: fc.array(fc.integer({ min: 0, max: notifications.length - 1 }), {
            maxLength: 6,
          }),
          chunk: fc.integer({ min: 1, max: 4 }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ notifications, first, second, duplicates, chunk }) => {
        const run = (order: SimNotification[]) => {
          const sim = new PolicySim(EXAMPLE_CONFIG, T0);
          sim.step();
          for (let index = 0; index < order.length; index += chunk) {
            sim.deliver(order.slice(index, index + chunk));
            sim.step();
          }
          sim.settle();
          return sim;
        };
        const withDuplicates = [...second, ...duplicates.map((index) => notifications[index])];
        const a = run(withDuplicates);
        const b = run(first);
        fc.pre(!a.wasContended() && !b.wasContended());
        checked += 1;
        expect(a.roleCounts()).toEqual(b.roleCounts());
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  test('each alert instance acts at most once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(notificationArb, { minLength: 1, maxLength: 5 }), { maxLength: 20 }),
        (batches) => {
          const sim = new PolicySim(EXAMPLE_CONFIG, T0);
          sim.step();
          for (const batch of batches) {
            sim.deliver([...batch, ...batch]);
            sim.step();
            sim.now += MINUTE;
          }
          sim.settle();
          for (const [key, steps] of sim.actions)
            expect({ key, steps: steps.length }).toEqual({ key, steps: 1 });
          for (const batch of batches) {
            for (const notification of batch)
              expect((sim.actions.get(instanceKey(notification)) ?? []).length).toBeLessThanOrEqual(
                1,
              );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('pool returns to base after everything resolves', () => {
    fc.assert(
      fc.property(fc.array(notificationArb, { minLength: 1, maxLength: 12 }), (notifications) => {
        const sim = new PolicySim(EXAMPLE_CONFIG, T0);
        sim.step();
        sim.deliver(notifications.map((n) => ({ ...n, status: 'firing' as const })));
        sim.step();
        sim.settle();
        sim.deliver(notifications.map((n) => ({ ...n, status: 'resolved' as const })));
        sim.settle();
        expect(sim.pool).toHaveLength(EXAMPLE_CONFIG.swarm.baseAgents);
        expect(sim.pool.every((agent) => agent.origin === 'base')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
