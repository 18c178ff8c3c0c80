/**
 * The scenario both e2e suites run on a whole loop: steady load keeps the base pool, a surge
 * fires `actor_system_load` and spawns its specialists, and the calm retires them again.
 */
import { queryPrometheus } from '../support/prom-stack';
import {
  CALM_SECONDS,
  STEADY_SECONDS,
  SURGE_SECONDS,
  waitFor,
  type PoolView,
  type WholeLoop,
} from './harness';

/** The pool at each step of the scenario. */
export interface ScenarioViews {
  base: PoolView;
  grown: PoolView;
  shrunk: PoolView;
  /** Roles the surge's rule spawns. */
  specialists: string[];
}

/** Checks a suite adds at a step: after the base pool is seen, after the surge, after the calm. */
export interface ScenarioHooks {
  onBase?(base: PoolView): Promise<void>;
  onGrown?(views: Omit<ScenarioViews, 'shrunk'>): Promise<void>;
  onShrunk?(views: ScenarioViews): Promise<void>;
}

/**
 * Runs the scenario on `loop` and asserts the pool at each step. Prints the time from the surge's
 * start to the first spawned specialist, labelled with `variant`.
 */
export async function runSurgeScenario(
  loop: WholeLoop,
  variant: string,
  hooks: ScenarioHooks = {},
): Promise<ScenarioViews> {
  const base = await loop.pool();
  expect(base.actual).toBe(20);
  expect(base.desired).toBe(20);
  await hooks.onBase?.(base);

  const surgeStart = loop.startScenario();
  const grown = await waitFor(async () => {
    const view = await loop.pool();
    return view.actual >= 22 ? view : undefined;
  }, (STEADY_SECONDS + SURGE_SECONDS + 30) * 1000);
  const firstSpawnSeconds = (Date.now() - surgeStart) / 1000;
  process.stdout.write(
    `${variant}: surge start to first spawned specialist: ${firstSpawnSeconds.toFixed(1)} s\n`,
  );

  const specialists = loop.ruleRoles('actor_system_load');
  expect(specialists).toHaveLength(2);
  const firingNow = await queryPrometheus(loop.prometheusUrl, 'ALERTS{alertstate="firing"}');
  const firingNames = firingNow.map((sample) => sample.metric.alertname).sort();
  expect({ actual: grown.actual, firing: firingNames }).toEqual({
    actual: 20 + specialists.length,
    firing: firingNames,
  });
  for (const role of specialists) {
    const expected = countRole(base, role) + 1;
    expect([role, countRole(grown, role)]).toEqual([role, expected]);
  }

  const firing = await queryPrometheus(
    loop.prometheusUrl,
    'ALERTS{alertstate="firing", scaling_rule="actor_system_load"}',
  );
  expect(firing.length).toBe(1);
  const otherRules = await queryPrometheus(
    loop.prometheusUrl,
    'ALERTS{alertstate="firing", scaling_kind!~"watchdog|event", scaling_rule!="actor_system_load"}',
  );
  expect(otherRules).toEqual([]);
  await waitForRunning(loop, 22);
  await hooks.onGrown?.({ base, grown, specialists });

  const shrunk = await waitFor(async () => {
    const view = await loop.pool();
    return view.actual === 20 ? view : undefined;
  }, (SURGE_SECONDS + CALM_SECONDS) * 1000);
  const roleCounts = (view: PoolView) =>
    Object.fromEntries(specialists.map((role) => [role, countRole(view, role)]));
  expect(roleCounts(shrunk)).toEqual(roleCounts(base));

  await waitForRunning(loop, 20);
  const peak = await queryPrometheus(
    loop.prometheusUrl,
    'max_over_time(sum(swarm_agents{state="running"})[5m:1s])',
  );
  expect(Number(peak[0].value[1])).toBe(22);
  await hooks.onShrunk?.({ base, grown, shrunk, specialists });
  return { base, grown, shrunk, specialists };
}

function countRole(view: PoolView, role: string): number {
  return view.agents.filter((agent) => agent.role === role).length;
}

/** Waits until Prometheus has scraped `count` running agents. */
async function waitForRunning(loop: WholeLoop, count: number): Promise<void> {
  await waitFor(async () => {
    const series = await queryPrometheus(loop.prometheusUrl, 'sum(swarm_agents{state="running"})');
    return series.length === 1 && Number(series[0].value[1]) === count;
  }, 20_000);
}
