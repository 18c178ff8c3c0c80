import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigEditor, EditError } from '../../src/config/config-edit';
import { ConfigError } from '../../src/config/errors';
import { resolveKeyPath } from '../../src/config/key-path';
import { addTrigger, measureForName, removeTrigger } from '../../src/config/trigger-edit';

const EXAMPLE = join(__dirname, '..', '..', 'ms-framework-swarm.yaml');
const ORIGINAL = readFileSync(EXAMPLE, 'utf8');

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'swarm-edit-'));
  file = join(dir, 'swarm.yaml');
  copyFileSync(EXAMPLE, file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(): ConfigEditor {
  return new ConfigEditor(file, readFileSync(file, 'utf8'));
}

/** Lines that differ between two texts of equal line count, as [line number, old, new]. */
function changedLines(before: string, after: string): [number, string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  return a.flatMap((line, i) =>
    line === b[i] ? [] : [[i + 1, line, b[i]] as [number, string, string]],
  );
}

describe('config editor', () => {
  test('setting the current values changes nothing', () => {
    const editor = open();
    editor.set(resolveKeyPath(editor.document, 'auto-scale.enabled'), true);
    editor.set(resolveKeyPath(editor.document, 'auto-scale.max'), 60);
    editor.set(resolveKeyPath(editor.document, 'auto-scale.strategy'), 'framework-aware');
    editor.save();
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('a scalar change touches one line and keeps its comment', () => {
    const editor = open();
    editor.set(['scaling_rules', 'actor_system_load', 'threshold'], 25);
    editor.save();
    const after = readFileSync(file, 'utf8');
    expect(changedLines(ORIGINAL, after)).toEqual([
      [19, '    threshold: 10  # Active actors', '    threshold: 25  # Active actors'],
    ]);
  });

  test('a list value keeps the flow style', () => {
    const editor = open();
    editor.set(['scaling_rules', 'error_rate', 'spawn_agents'], ['supervision-tree-architect']);
    expect(editor.content).toContain('    spawn_agents: ["supervision-tree-architect"]\n');
  });

  test('a quoted string stays quoted', () => {
    const editor = open();
    editor.set(['framework_metrics', 0, 'query'], 'sum(systemcore_components_active)');
    expect(editor.content).toContain('    query: "sum(systemcore_components_active)"\n');
  });

  test('a block mapping is replaced in block style', () => {
    const editor = open();
    editor.set(['core_architecture', 'agents', 1, 'config_knowledge'], { worker_threads: 8 });
    expect(editor.content).toContain(
      '      config_knowledge:\n        worker_threads: 8\n      \n    - id: actor-system-manager',
    );
    expect(editor.validate().config.categories[0].agents[1].knowledge).toEqual({
      config_knowledge: { worker_threads: 8 },
    });
  });

  test('a missing section is appended in block style', () => {
    const editor = open();
    editor.set(['scaler', 'heartbeat_ttl'], '45s');
    const loaded = editor.save();
    expect(loaded.config.scaler.heartbeatTtlSeconds).toBe(45);
    expect(readFileSync(file, 'utf8')).toBe(
      `${ORIGINAL.trimEnd()}\nscaler:\n  heartbeat_ttl: 45s\n`,
    );
  });

  test('a missing key joins its mapping at the same indentation', () => {
    const editor = open();
    editor.set(['scaling_triggers', 'cpu_scaling', 'for'], '2m');
    expect(editor.content).toContain('    cooldown: 60s\n    for: 2m\n');
    expect(editor.save().config.triggers.cpu?.forSeconds).toBe(120);
  });

  test('an invalid result is not written', () => {
    const editor = open();
    editor.set(['scaling_triggers', 'cpu_scaling', 'cooldown'], 60);
    expect(() => editor.save()).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('the write is atomic and keeps the file mode', () => {
    chmodSync(file, 0o640);
    const editor = open();
    editor.set(['swarm', 'base_agents'], 25);
    editor.save();
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['swarm.yaml']);
  });

  test('a concurrent change is not overwritten', () => {
    const editor = open();
    editor.set(['swarm', 'base_agents'], 25);
    writeFileSync(file, ORIGINAL.replace('base_agents: 20', 'base_agents: 21'));
    expect(() => editor.save()).toThrow('changed while it was being edited');
    expect(readFileSync(file, 'utf8')).toContain('base_agents: 21');
  });

  test('a symlinked file keeps its link', () => {
    const link = join(dir, 'link.yaml');
    symlinkSync(file, link);
    const editor = new ConfigEditor(link, readFileSync(link, 'utf8'));
    editor.set(['swarm', 'base_agents'], 25);
    editor.save();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('base_agents: 25');
  });

  test('a key path resolves agent ids in lists', () => {
    const editor = open();
    const path = resolveKeyPath(
      editor.document,
      'core-architecture.agents.tokio-runtime-expert.config_knowledge.thread_keep_alive',
    );
    expect(path).toEqual([
      'core_architecture',
      'agents',
      1,
      'config_knowledge',
      'thread_keep_alive',
    ]);
    expect(editor.get(path)).toBe('60s');
  });
});

describe('trigger edits', () => {
  test('add and remove round-trip the file with comments intact', () => {
    const editor = open();
    expect(
      addTrigger(editor, { name: 'actor-load', threshold: 50, spawn: ['actor-system-manager'] }),
    ).toBe('actor_load');
    expect(
      addTrigger(editor, {
        name: 'db-connections',
        threshold: '80%',
        spawn: ['postgresql-architect'],
      }),
    ).toBe('db_connections');
    const loaded = editor.save();
    const added = loaded.config.triggers.framework.slice(-2);
    expect(added.map((t) => [t.name, t.measure.name, t.threshold])).toEqual([
      ['actor_load', 'actor_system_load', 50],
      ['db_connections', 'database_connections', 0.8],
    ]);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('  # Framework-specific scaling\n');
    expect(written).toContain(
      '    actor_load:\n      measure: actor_system_load\n      threshold: 50\n      spawn: ["actor-system-manager"]\n',
    );

    const again = open();
    removeTrigger(again, 'actor-load');
    removeTrigger(again, 'db_connections');
    again.save();
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  test('an existing name is rejected', () => {
    expect(() => addTrigger(open(), { name: 'actor_count', threshold: 5, spawn: ['a'] })).toThrow(
      /already exists/,
    );
  });

  test('a name without a measure needs --measure or --query', () => {
    expect(() =>
      addTrigger(open(), { name: 'mood', threshold: 5, spawn: ['actor-system-manager'] }),
    ).toThrow(EditError);
    const editor = open();
    addTrigger(editor, {
      name: 'mood',
      threshold: '5',
      spawn: ['actor-system-manager'],
      query: 'max(mistersmith_active_agents)',
    });
    expect(editor.save().config.triggers.framework.at(-1)?.measure.query).toBe(
      'max(mistersmith_active_agents)',
    );
  });

  test('removing an absent trigger names the existing ones', () => {
    expect(() => removeTrigger(open(), 'nope')).toThrow(
      'existing framework triggers are actor_count, database_connections, nats_throughput',
    );
  });

  test.each([
    ['actor-load', 'actor_system_load'],
    ['db-connections', 'database_connections'],
    ['actor_count', 'actor_count'],
    ['memory', 'memory_usage'],
    ['actor', undefined],
  ])('name %s stands for measure %s', (name, measure) => {
    expect(measureForName(name).measure).toBe(measure);
  });
});
