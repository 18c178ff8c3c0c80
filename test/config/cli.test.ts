import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateJsonSchema } from '../../src/config/json-schema';
import { EXIT, type CliIo } from '../../src/cli/io';
import { run } from '../../src/cli/main';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'ms-framework-swarm.yaml');
const EXAMPLE_MD = join(ROOT, 'examples', 'ms-framework-autoscaling.md');
const ORIGINAL = readFileSync(EXAMPLE, 'utf8');

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'swarm-cli-'));
  file = join(dir, 'ms-framework-swarm.yaml');
  copyFileSync(EXAMPLE, file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
    cwd: dir,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('validate', () => {
  test('prints the summary of the example', async () => {
    const result = await cli('validate', file);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain(`${file}: valid (yaml)`);
    expect(result.stdout).toMatch(/nats_throughput +framework +nats_throughput +> 100000\/s/);
    expect(result.stdout).toMatch(/core_architecture +5 +2 +15 +standing/);
    expect(result.stdout).toMatch(/message-router +actor-system-manager +core_architecture +near/);
    expect(result.stdout).toContain('Warnings (8)');
  });

  test('reads the default file from the working directory', async () => {
    const result = await cli('validate');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('ms-framework-swarm.yaml: valid (yaml)');
  });

  test('accepts the Markdown document', async () => {
    const result = await cli('validate', '--config', EXAMPLE_MD);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('valid (markdown)');
  });

  test('a broken Markdown document exits 2', async () => {
    const broken = join(__dirname, 'testdata', 'broken', 'markdown-errors.md');
    const result = await cli('validate', broken);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('markdown-errors.md:16:5: core.agents.0.capabilites');
  });

  test('strict mode exits 2 with every unresolved name', async () => {
    const result = await cli('validate', file, '--strict');
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('(7 errors)');
    expect(result.stderr).toContain(
      `${file}:20:20: scaling_rules.actor_system_load.spawn_agents.0: "actor-supervisor" is not an agent id`,
    );
  });

  test('--json reports errors for machines', async () => {
    writeFileSync(
      file,
      'swarm:\n  base_agents: 2\n  max_agents: 6\n  auto_scale:\n    stratgy: x\n',
    );
    const result = await cli('validate', file, '--json');
    expect(result.code).toBe(EXIT.invalidConfig);
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      errors: { code: string; line: number; column: number; path: string; message: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'unknown-key',
        line: 5,
        column: 5,
        path: 'swarm.auto_scale.stratgy',
      }),
    ]);
    expect(report.errors[0].message).toContain('did you mean "strategy"?');
  });

  test('--json prints the model when valid', async () => {
    const result = await cli('validate', file, '--json');
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      config: { autoScale: { maxAgents: number } };
    };
    expect(report.valid).toBe(true);
    expect(report.config.autoScale.maxAgents).toBe(60);
  });

  test('a YAML syntax error exits 2', async () => {
    writeFileSync(file, 'swarm:\n\tbase_agents: 2\n');
    const result = await cli('validate', file);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain(':2:1: swarm.base_agents: a tab is used for indentation');
  });
});

describe('schema', () => {
  test('prints the generated JSON Schema', async () => {
    const result = await cli('schema');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe(generateJsonSchema());
  });

  test('--write then --check agree', async () => {
    expect((await cli('schema', '--write', 'out.json')).code).toBe(EXIT.ok);
    expect((await cli('schema', '--check', 'out.json')).code).toBe(EXIT.ok);
    writeFileSync(join(dir, 'out.json'), '{}\n');
    const stale = await cli('schema', '--check', 'out.json');
    expect(stale.code).toBe(EXIT.failure);
    expect(stale.stderr).toContain('out of date');
  });
});

describe('config get and set', () => {
  test("the example's commands keep the file as it is", async () => {
    for (const [key, value] of [
      ['auto-scale.enabled', 'true'],
      ['auto-scale.max', '60'],
      ['auto-scale.strategy', 'framework-aware'],
    ]) {
      const result = await cli('config', 'set', key, value, '--config', file);
      expect(result.code).toBe(EXIT.ok);
    }
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('set changes one value and get reads it back', async () => {
    expect((await cli('config', 'set', 'auto-scale.max', '50', '--config', file)).code).toBe(
      EXIT.ok,
    );
    const get = await cli('config', 'get', 'auto-scale.max', '--config', file);
    expect(get.stdout).toBe('50\n');
    expect(readFileSync(file, 'utf8')).toBe(
      ORIGINAL.replace('    max_agents: 60\n    strategy', '    max_agents: 50\n    strategy'),
    );
  });

  test('get prints a mapping as YAML and --json as JSON', async () => {
    const yaml = await cli('config', 'get', 'scaling_triggers.cpu_scaling', '--config', file);
    expect(yaml.stdout).toBe(
      'scale_up_threshold: 70%\nscale_down_threshold: 30%\nagents_per_trigger: 5\ncooldown: 60s\n',
    );
    const json = await cli('config', 'get', 'swarm', '--json', '--config', file);
    expect(JSON.parse(json.stdout)).toMatchObject({ base_agents: 20, max_agents: 60 });
  });

  test('an invalid value exits 2 and leaves the file alone', async () => {
    const result = await cli('config', 'set', 'auto-scale.max', '70', '--config', file);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('raise swarm.max_agents too');
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('an unknown key suggests the nearest one', async () => {
    const result = await cli('config', 'set', 'swarm.auto_scale.stratgy', 'x', '--config', file);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('unknown key "stratgy" (did you mean "strategy"?)');
  });

  test('a value with " #" is kept whole', async () => {
    const set = await cli(
      'config',
      'set',
      'framework_metrics.0.name',
      'Health # core',
      '--config',
      file,
    );
    expect(set.code).toBe(EXIT.ok);
    const get = await cli('config', 'get', 'framework_metrics.0.name', '--config', file);
    expect(get.stdout).toBe('Health # core\n');
  });

  test('a self-referencing alias exits 2', async () => {
    const set = await cli(
      'config',
      'set',
      'scaling_rules.error_rate.threshold',
      '&a [*a]',
      '--config',
      file,
    );
    writeFileSync(join(dir, 'cycle.yaml'), 'swarm: &a [*a]\n');
    const validate = await cli('validate', join(dir, 'cycle.yaml'));
    const aliasError = /an alias refers to a node that contains it[^\n]*/.exec(validate.stderr)?.[0];

    expect(set.code).toBe(EXIT.invalidConfig);
    expect(aliasError).toBeDefined();
    expect(set.stderr).toContain(`scaling_rules.error_rate.threshold: ${aliasError}`);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('a ratio key suggests a percentage', async () => {
    const result = await cli(
      'config',
      'set',
      'scaling_rules.error_rate.threshold',
      'fast',
      '--config',
      file,
    );
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('5%');
    expect(result.stderr).toContain('0.05');
    expect(result.stderr).not.toContain('1_048_576');
  });

  test('an absent key is reported by get', async () => {
    const result = await cli('config', 'get', 'scaler.heartbeat_ttl', '--config', file);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toContain('scaler.heartbeat_ttl is not set');
  });

  test('the Markdown document is read-only', async () => {
    const result = await cli('config', 'set', 'auto-scale.max', '50', '--config', EXAMPLE_MD);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('the edit commands change YAML files only');
  });
});

describe('triggers', () => {
  test("the example's triggers add commands work", async () => {
    const load = await cli(
      'triggers',
      'add',
      '--name',
      'actor-load',
      '--threshold',
      '50',
      '--spawn',
      'actor-system-manager',
      '--config',
      file,
    );
    expect(load.code).toBe(EXIT.ok);
    const db = await cli(
      'triggers',
      'add',
      '--name',
      'db-connections',
      '--threshold',
      '80%',
      '--spawn',
      'postgresql-architect',
      '--config',
      file,
    );
    expect(db.code).toBe(EXIT.ok);
    const list = await cli('triggers', 'list', '--config', file);
    expect(list.stdout).toMatch(/actor_load +framework +actor_system_load +> 50 /);
    expect(list.stdout).toMatch(/db_connections +framework +database_connections +> 0.8 \(80%\) /);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('# Framework-specific scaling');
    expect(written).toContain('threshold: 80%\n      spawn: ["postgresql-architect"]');
  });

  test('remove restores the file', async () => {
    await cli(
      'triggers',
      'add',
      '--name',
      'actor-load',
      '--threshold',
      '50',
      '--spawn',
      'a,b',
      '--spawn',
      'actor-system-manager',
      '--config',
      file,
    );
    expect(readFileSync(file, 'utf8')).toContain('spawn: ["a", "b", "actor-system-manager"]');
    const removed = await cli('triggers', 'remove', '--name', 'actor-load', '--config', file);
    expect(removed.code).toBe(EXIT.ok);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('remove takes the comment above the entry', async () => {
    const removed = await cli('triggers', 'remove', '--name', 'cpu_scaling', '--config', file);
    const written = readFileSync(file, 'utf8');

    expect(removed.code).toBe(EXIT.ok);
    expect(written).not.toContain('CPU-based scaling');
    expect(written).toContain('scaling_triggers:\n  # Task queue scaling\n  queue_scaling:\n');
    expect(written).toBe(
      ORIGINAL.replace(
        '  # CPU-based scaling\n  cpu_scaling:\n    scale_up_threshold: 70%\n    scale_down_threshold: 30%\n    agents_per_trigger: 5\n    cooldown: 60s\n    \n',
        '',
      ),
    );
  });

  test('a duration without unit names the fix once', async () => {
    const result = await cli(
      'triggers',
      'add',
      '--name',
      'actor-load',
      '--threshold',
      '50',
      '--spawn',
      'actor-system-manager',
      '--cooldown',
      '60',
      '--config',
      file,
    );
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr.match(/"60s"/g)).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('a name that fits no measure exits 2 with the choices', async () => {
    const result = await cli(
      'triggers',
      'add',
      '--name',
      'mood',
      '--threshold',
      '5',
      '--spawn',
      'actor-system-manager',
      '--config',
      file,
    );
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.stderr).toContain('pass --measure with one of');
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('list --json prints base units', async () => {
    const result = await cli('triggers', 'list', '--json', '--config', file);
    const triggers = JSON.parse(result.stdout) as { cpu: { scaleUpThreshold: number } };
    expect(triggers.cpu.scaleUpThreshold).toBe(0.7);
  });

  test('every verb has help', async () => {
    for (const verb of [
      ['validate'],
      ['schema'],
      ['config', 'set'],
      ['config', 'get'],
      ['triggers', 'add'],
      ['triggers', 'list'],
      ['triggers', 'remove'],
    ]) {
      const result = await cli(...verb, '--help');
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toContain('Usage: swarm-scaler');
    }
  });
});
