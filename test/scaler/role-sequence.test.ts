import { baseComposition, fillSequence } from '../../src/scaler/role-sequence';
import { EXAMPLE_CONFIG } from './fixtures';

describe('base composition', () => {
  const base = baseComposition(EXAMPLE_CONFIG);

  test('has base_agents entries', () => {
    expect(base).toHaveLength(20);
  });

  test('runs every non-dynamic agent type', () => {
    const types = EXAMPLE_CONFIG.categories
      .filter((c) => !c.dynamic)
      .flatMap((c) => c.agents.map((a) => a.id));
    expect(types).toHaveLength(16);
    for (const id of types) expect(base.map((slot) => slot.role)).toContain(id);
  });

  test('fills the rest by category capacity', () => {
    expect(base.slice(16).map((slot) => slot.role)).toEqual([
      'systemcore-specialist',
      'jetstream-kv-specialist',
      'nats-transport-expert',
      'auth-flow-expert',
    ]);
  });

  test('never uses the dynamic category', () => {
    expect(base.some((slot) => slot.category === 'dynamic_pool')).toBe(false);
  });
});

describe('fill sequence', () => {
  test('respects each category capacity', () => {
    const sequence = fillSequence(EXAMPLE_CONFIG);
    for (const category of EXAMPLE_CONFIG.categories.filter((c) => !c.dynamic)) {
      expect(sequence.filter((slot) => slot.category === category.name)).toHaveLength(
        category.capacity,
      );
    }
  });
});
