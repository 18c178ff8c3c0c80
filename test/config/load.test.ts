import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from '../../src/config/errors';
import { loadConfig, loadConfigText, markdownToYaml } from '../../src/config/load';
import type { SwarmConfig } from '../../src/config/model';
import { MAX_CONFIG_BYTES } from '../../src/config/yaml-source';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE_YAML = join(ROOT, 'ms-framework-swarm.yaml');
const EXAMPLE_MD = join(ROOT, 'examples', 'ms-framework-autoscaling.md');
const MINIMAL = join(__dirname, 'testdata', 'minimal.yaml');

/** Drops every `source` field, which differs between the YAML and Markdown forms by design. */
function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'source')
      .map(([key, inner]) => [key, withoutSources(inner)]),
  );
}

function issuesOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('example config', () => {
  const { config, warnings } = loadConfig(EXAMPLE_YAML);

  test('swarm and auto-scale bounds', () => {
    expect(config.swarm).toEqual({ topology: 'hierarchical', baseAgents: 20, maxAgents: 60 });
    expect(config.autoScale).toEqual({
      enabled: true,
      minAgents: 20,
      maxAgents: 60,
      strategy: 'framework-aware',
    });
  });

  test('category capacities add up to 60', () => {
    expect(config.categories.map((c) => [c.name, c.capacity, c.agents.length, c.dynamic])).toEqual([
      ['core_architecture', 15, 5, false],
      ['data_layer', 12, 4, false],
      ['transport_layer', 10, 3, false],
      ['security_operations', 8, 2, false],
      ['integration_testing', 8, 2, false],
      ['dynamic_pool', 7, 3, true],
    ]);
  });

  test('thresholds are in base units', () => {
    const byName = Object.fromEntries(
      config.scalingRules.map((rule) => [rule.name, rule.threshold]),
    );
    expect(byName).toEqual({
      systemcore_operations: 5,
      actor_system_load: 10,
      database_operations: 100,
      transport_throughput: 1000,
      error_rate: 0.05,
    });
    expect(config.triggers.cpu).toMatchObject({
      scaleUpThreshold: 0.7,
      scaleDownThreshold: 0.3,
      agentsPerTrigger: 5,
      cooldownSeconds: 60,
    });
    expect(config.triggers.queue).toMatchObject({
      pendingTasksThreshold: 20,
      scaleUpAgents: 3,
      priorityAware: true,
    });
    expect(config.triggers.error?.errorRateThreshold).toBeCloseTo(0.05, 9);
    expect(config.triggers.framework.map((t) => [t.name, t.threshold])).toEqual([
      ['actor_count', 50],
      ['database_connections', 0.8],
      ['nats_throughput', 100_000],
    ]);
  });

  test('spawn_when conditions are parsed', () => {
    const dynamic = config.categories.find((c) => c.name === 'dynamic_pool');
    expect(dynamic?.agents.map((a) => a.spawnWhen)).toEqual([
      { text: 'response_time > 100ms', measure: 'response_time', op: '>', threshold: 0.1 },
      { text: 'memory_usage > 80%', measure: 'memory_usage', op: '>', threshold: 0.8 },
      { text: 'actor_queue_depth > 1000', measure: 'actor_queue_depth', op: '>', threshold: 1000 },
    ]);
  });

  test('agent targets are parsed once into base units', () => {
    const agent = (id: string) =>
      config.categories.flatMap((c) => c.agents).find((a) => a.id === id);
    expect(agent('eventbus-specialist')?.targets).toEqual({ throughputPerSecond: 100_000 });
    expect(agent('nats-transport-expert')?.targets).toEqual({
      throughputPerSecond: 3_000_000,
      latencySeconds: { p99: 0.001 },
    });
    expect(agent('saga-coordinator')?.targets).toEqual({ consistencyWindowSeconds: 0.2 });
    expect(agent('auth-flow-expert')?.targets).toEqual({
      tokenLifetimeSeconds: { access: 900, refresh: 604800 },
    });
    expect(agent('prometheus-metrics-expert')?.targets).toEqual({
      retentionSeconds: { hot: 86400, warm: 604800, cold: 2592000 },
    });
    expect(agent('tokio-runtime-expert')?.targets).toBeUndefined();
  });

  test('knowledge keeps the spec as written', () => {
    const agent = config.categories[0].agents.find((a) => a.id === 'tokio-runtime-expert');
    expect(agent?.knowledge).toEqual({
      config_knowledge: {
        worker_threads: 'num_cpus::get()',
        max_blocking_threads: 512,
        thread_keep_alive: '60s',
      },
    });
  });

  test('actor_system_load resolves to two distinct roles', () => {
    const rule = config.scalingRules.find((r) => r.name === 'actor_system_load');
    const roles = rule?.spawn.map((r) => r.role) ?? [];
    expect(new Set(roles).size).toBe(2);
    expect(rule?.spawn.map((r) => [r.requested, r.role, r.category, r.via])).toEqual([
      ['actor-supervisor', 'actor-supervisor', 'core_architecture', 'created'],
      ['message-router', 'actor-system-manager', 'core_architecture', 'near'],
    ]);
  });

  test('undefined names resolve leniently with warnings', () => {
    const roles = Object.fromEntries(
      config.roles.map((r) => [r.requested, [r.role, r.category, r.via]]),
    );
    expect(roles['runtime-manager']).toEqual([
      'systemcore-specialist',
      'core_architecture',
      'capability',
    ]);
    expect(roles['protocol-bridge']).toEqual([
      'protocol-bridge-specialist',
      'transport_layer',
      'near',
    ]);
    expect(roles['error-recovery-expert']).toEqual([
      'error-recovery-expert',
      'core_architecture',
      'created',
    ]);
    expect(roles['connection-pool-optimizer']).toEqual([
      'connection-pool-optimizer',
      'data_layer',
      'created',
    ]);
    const resolved = warnings.filter((w) => w.code === 'name-resolved');
    expect(resolved.map((w) => w.source?.path)).toContain(
      'scaling_rules.actor_system_load.spawn_agents.1',
    );
    expect(resolved).toHaveLength(7);
  });

  test('dashboard queries name known metrics', () => {
    expect(config.dashboards).toHaveLength(7);
    expect(warnings.filter((w) => w.code === 'unknown-metric')).toEqual([]);
  });

  test('strict mode rejects the six undefined names', () => {
    const error = issuesOf(() => loadConfig(EXAMPLE_YAML, { strict: true }));
    const names = new Set(error.issues.map((issue) => /^"([^"]+)"/.exec(issue.message)?.[1]));
    expect(names).toEqual(
      new Set([
        'runtime-manager',
        'actor-supervisor',
        'message-router',
        'protocol-bridge',
        'error-recovery-expert',
        'connection-pool-optimizer',
      ]),
    );
    expect(error.issues.every((issue) => issue.code === 'unresolved-name')).toBe(true);
  });
});

describe('markdown form', () => {
  test('loads to the same model as the YAML file', () => {
    const yaml = loadConfig(EXAMPLE_YAML).config;
    const markdown = loadConfig(EXAMPLE_MD).config;
    expect(markdown.source.format).toBe('markdown');
    expect(withoutSources(markdown)).toEqual(withoutSources(yaml));
  });

  test('warnings match the YAML file apart from lines', () => {
    const warningsOf = (file: string) =>
      loadConfig(file).warnings.map((w) => [w.code, w.source?.path, w.message]);
    expect(warningsOf(EXAMPLE_MD)).toEqual(warningsOf(EXAMPLE_YAML));
  });

  test('headings give category capacities', () => {
    const yaml = markdownToYaml('#### Core (15 agents)\n\n```yaml\ncore:\n  - id: a\n```\n');
    expect(yaml).toBe('core:\n  capacity: 15\n  agents:\n      - id: a');
  });

  test('a total heading is not a capacity', () => {
    const yaml = markdownToYaml('### Pool (60 Total)\n\n```yaml\ncore:\n  - id: a\n```\n');
    expect(yaml).toBe('core:\n  - id: a');
  });

  test('errors point into the Markdown document', () => {
    const text =
      '# Swarm\n\n```yaml\nswarm:\n  base_agents: 2\n  max_agents: 6\n```\n\n## Core (3 agents)\n\n```yaml\ncore:\n  - id: a\n    spawn_when: "response_time > soon"\n```\n';
    const error = issuesOf(() => loadConfigText(text, 'doc.md', 'markdown'));
    expect(error.issues[0].source).toEqual({
      file: 'doc.md',
      line: 14,
      column: 17,
      path: 'core.agents.0.spawn_when',
    });
  });
});

describe('input limits', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'swarm-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a 50 MB file is rejected before it is read', () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const started = Date.now();
    const error = issuesOf(() => loadConfig(file));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.issues[0].code).toBe('file-too-large');
    expect(error.message).toContain(`above the limit of ${MAX_CONFIG_BYTES} bytes`);
  });

  test('oversized text is rejected', () => {
    const error = issuesOf(() =>
      loadConfigText(`a: "${'x'.repeat(MAX_CONFIG_BYTES)}"`, 'big.yaml', 'yaml'),
    );
    expect(error.issues[0].code).toBe('file-too-large');
  });

  test('a missing file names the fix', () => {
    const error = issuesOf(() => loadConfig(join(dir, 'absent.yaml')));
    expect(error.issues[0].code).toBe('file-unreadable');
    expect(error.message).toContain('file not found: pass an existing config file with --config');
  });

  test('a directory is not a config', () => {
    expect(issuesOf(() => loadConfig(dir)).issues[0].code).toBe('file-unreadable');
  });

  test.each([
    ['binary noise', '\u0000\u0001\u0002'],
    ['a scalar', '42'],
    ['only a comment', '# nothing'],
    ['two documents', 'swarm: {}\n---\nother: 1\n'],
    ['an anchor loop', 'a: &a [*a]\n'],
  ])('%s is a ConfigError, not a crash', (_name, text) => {
    expect(issuesOf(() => loadConfigText(text, 'x.yaml', 'yaml')).issues.length).toBeGreaterThan(0);
  });
});

describe('measures and queries', () => {
  const base = 'swarm:\n  base_agents: 1\n  max_agents: 4\ncore:\n  - id: actor-manager\n';

  test('a query override carries its own threshold unit', () => {
    const text = `${base}scaling_rules:\n  busy_mailboxes:\n    query: "max(mistersmith_message_queue_depth)"\n    threshold: "80%"\n    spawn_agents: ["actor-manager"]\n`;
    const { config, warnings } = loadConfigText(text, 'q.yaml', 'yaml');
    expect(config.scalingRules[0].measure).toEqual({
      name: 'busy_mailboxes',
      query: 'max(mistersmith_message_queue_depth)',
      thresholdKind: 'ratio',
    });
    expect(config.scalingRules[0].threshold).toBe(0.8);
    expect(warnings.find((w) => w.code === 'unknown-metric')?.message).toContain(
      'metric "mistersmith_message_queue_depth" is not in the catalogue',
    );
  });

  test('measure names a catalogue measure for any entry name', () => {
    const text = `${base}scaling_triggers:\n  framework_scaling:\n    actor_load:\n      measure: actor_system_load\n      threshold: 50\n      spawn: ["actor-manager"]\n`;
    const trigger = loadConfigText(text, 'm.yaml', 'yaml').config.triggers.framework[0];
    expect(trigger.measure).toEqual({ name: 'actor_system_load' });
    expect(trigger.threshold).toBe(50);
  });

  test('histogram series and recording rules are known metrics', () => {
    const text = `${base}framework_metrics:\n  - name: p99\n    query: histogram_quantile(0.99, sum by (le) (rate(framework_request_duration_seconds_bucket[5m])))\n  - name: kv\n    query: jetstream_kv_operations_per_second\n`;
    expect(
      loadConfigText(text, 'h.yaml', 'yaml').warnings.filter((w) => w.code === 'unknown-metric'),
    ).toEqual([]);
  });

  test('a PromQL error points inside the expression', () => {
    const text = `${base}framework_metrics:\n  - name: broken\n    query: "sum(rate(actors_active[1m]) +"\n`;
    const issue = issuesOf(() => loadConfigText(text, 'p.yaml', 'yaml')).issues[0];
    expect(issue.code).toBe('invalid-promql');
    expect(issue.source.line).toBe(8);
    expect(issue.source.column).toBe(12 + 30);
  });
});

describe('defaults', () => {
  test('a minimal file gets the documented defaults', () => {
    const config: SwarmConfig = loadConfig(MINIMAL).config;
    expect(config.autoScale).toEqual({
      enabled: true,
      minAgents: 2,
      maxAgents: 6,
      strategy: 'framework-aware',
    });
    expect(config.scalingRules[0]).toMatchObject({ forSeconds: 30, cooldownSeconds: 60 });
    expect(config.driver).toEqual({
      kind: 'in-process',
      startDelaySeconds: 1,
      timeoutSeconds: 10,
      options: {},
    });
    expect(config.scaler.reconcileSchedule).toBe('*/10 * * * * *');
    expect(config.scaler.watchdogIntervalSeconds).toBe(60);
    expect(config.categories.map((c) => [c.name, c.capacity])).toEqual([
      ['core', 4],
      ['dynamic_pool', 1],
    ]);
  });
});

describe('bundled example document', () => {
  const published = join(ROOT, '..', 'shared', 'example', 'ms-framework-autoscaling.md');

  const isPublished = existsSync(published);
  if (!isPublished) {
    process.stdout.write(`skipping the bundled example check: ${published} is missing\n`);
  }

  (isPublished ? test : test.skip)('matches the published example document', () => {
    expect(readFileSync(EXAMPLE_MD, 'utf8')).toBe(readFileSync(published, 'utf8'));
  });
});

describe('scaler section', () => {
  const minimal = readFileSync(MINIMAL, 'utf8');

  test('watchdog_interval sets the watchdog interval', () => {
    const text = `${minimal.trimEnd()}\nscaler:\n  watchdog_interval: 90s\n`;
    expect(loadConfigText(text, 's.yaml', 'yaml').config.scaler.watchdogIntervalSeconds).toBe(90);
  });

  test('watchdog_interval sits beside the other timing keys', () => {
    const text = `${minimal.trimEnd()}
scaler:
  default_for: 5s
  default_cooldown: 10s
  scale_down_stabilization: 15s
  heartbeat_ttl: 20s
  reconcile_schedule: '*/2 * * * * *'
  watchdog_interval: 2m
`;
    expect(loadConfigText(text, 's.yaml', 'yaml').config.scaler).toEqual({
      scaleUpStabilizationSeconds: 0,
      scaleDownStabilizationSeconds: 15,
      heartbeatTtlSeconds: 20,
      reconcileSchedule: '*/2 * * * * *',
      defaultForSeconds: 5,
      defaultCooldownSeconds: 10,
      watchdogIntervalSeconds: 120,
    });
  });

  test('watchdog_interval that is no duration is rejected', () => {
    const text = `${minimal.trimEnd()}\nscaler:\n  watchdog_interval: often\n`;
    const issue = issuesOf(() => loadConfigText(text, 's.yaml', 'yaml')).issues[0];
    expect(issue.source.path).toBe('scaler.watchdog_interval');
  });
});
