import { run } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload } from './fixtures';
import { startScaler, waitFor, type RunningScaler } from './harness';

const TOKEN = 'cli-token';

function captureIo(env: NodeJS.ProcessEnv = { SWARM_SCALER_TOKEN: TOKEN }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env,
    cwd: process.cwd(),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('operator verbs against a running scaler', () => {
  let testDb: TestDatabase;
  let scaler: RunningScaler;

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_cli');
    scaler = await startScaler({ databaseUrl: testDb.url, auth: { bearerToken: TOKEN } });
  });

  afterAll(async () => {
    await scaler.stop();
    await testDb.drop();
  });

  test('scale pins the pool', async () => {
    const capture = captureIo();
    expect(await run(['scale', '--target', '30', '--url', scaler.url], capture.io)).toBe(0);
    expect(capture.out()).toMatch(/^pinned at 30: pool 30\/30 desired \(.*pinned at 30\)/);
    await waitFor(() => scaler.driver.live.size === 30);
  });

  test('scale outside the bounds is rejected', async () => {
    const capture = captureIo();
    expect(await run(['scale', '--target', '61', '--url', scaler.url], capture.io)).toBe(1);
    expect(capture.err()).toMatch(/between 20 and 60/);
  });

  test('scale without a target is a usage error', async () => {
    const capture = captureIo();
    expect(await run(['scale', '--url', scaler.url], capture.io)).toBe(64);
  });

  test('pause and resume toggle automatic scaling', async () => {
    const paused = captureIo();
    expect(await run(['pause', '--url', scaler.url], paused.io)).toBe(0);
    expect(paused.out()).toMatch(/paused/);
    expect(await scaler.metric('swarm_scaler_paused')).toBe(1);
    await scaler.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'cli-load', rule: 'actor_system_load', kind: 'rule' })]),
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(scaler.driver.live.size).toBe(30);
    const resumed = captureIo();
    expect(await run(['resume', '--url', scaler.url], resumed.io)).toBe(0);
    await waitFor(() => scaler.driver.live.size === 22);
    expect(await scaler.metric('swarm_scaler_paused')).toBe(0);
  });

  test('decisions filters by rule', async () => {
    const capture = captureIo();
    expect(
      await run(
        ['decisions', '--rule', 'actor_system_load', '--limit', '5', '--url', scaler.url],
        capture.io,
      ),
    ).toBe(0);
    const lines = capture.out().trim().split('\n');
    expect(lines[0]).toMatch(/ actor_system_load spawn applied reason=alert role=/);
    expect(lines.some((line) => / actor_system_load skip skipped reason=paused/.test(line))).toBe(
      true,
    );
  });

  test('decisions pages with a cursor', async () => {
    const first = captureIo();
    await run(['decisions', '--limit', '2', '--json', '--url', scaler.url], first.io);
    const page = JSON.parse(first.out());
    expect(page.decisions).toHaveLength(2);
    const second = captureIo();
    await run(
      [
        'decisions',
        '--limit',
        '2',
        '--cursor',
        String(page.nextCursor),
        '--json',
        '--url',
        scaler.url,
      ],
      second.io,
    );
    expect(JSON.parse(second.out()).decisions[0].id).toBeLessThan(page.decisions[1].id);
  });

  test('monitor once prints pool and triggers', async () => {
    const capture = captureIo({ SWARM_SCALER_TOKEN: TOKEN });
    expect(await run(['monitor', '--once', '--url', scaler.url], capture.io)).toBe(0);
    expect(capture.out()).toMatch(/pool 22\/22 desired/);
    expect(capture.out()).toMatch(/actor_system_load rule\/up firing since .* \+2/);
  });

  test('missing token is reported', async () => {
    const capture = captureIo({});
    expect(await run(['pause', '--url', scaler.url], capture.io)).toBe(1);
    expect(capture.err()).toMatch(/rejected the credentials: set SWARM_SCALER_TOKEN/);
  });

  test('dry run decides without applying', async () => {
    const on = await scaler.post(
      '/api/v1/dry-run',
      { enabled: true },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(on.body.dryRun).toBe(true);
    await scaler.post(
      WEBHOOK_PATH,
      payload([alert({ fingerprint: 'cli-cpu', rule: 'cpu_scaling', kind: 'cpu' })]),
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(scaler.driver.live.size).toBe(22);
    const log = (
      await scaler.get('/api/v1/decisions?rule=cpu_scaling', { authorization: `Bearer ${TOKEN}` })
    ).body.decisions;
    expect(log.filter((entry: { outcome: string }) => entry.outcome === 'dry_run')).toHaveLength(5);
  });
  test('dry-run verb switches the mode', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const off = captureIo();
    expect(await run(['dry-run', 'off', '--url', scaler.url], off.io)).toBe(0);
    expect(off.out()).toMatch(/^dry run off: pool \d+\/\d+ desired/);
    expect((await scaler.get('/api/v1/pool', headers)).body.dryRun).toBe(false);
    const on = captureIo();
    expect(await run(['dry-run', 'on', '--url', scaler.url], on.io)).toBe(0);
    expect(on.out()).toMatch(/^dry run on: pool .*dry run\)/);
    expect((await scaler.get('/api/v1/pool', headers)).body.dryRun).toBe(true);
    const log = (await scaler.get('/api/v1/decisions?rule=operator', headers)).body.decisions;
    expect(log[0].action).toBe('dry_run_on');
    expect(log[1].action).toBe('dry_run_off');
  });

  test('dry-run verb rejects an unknown mode', async () => {
    const capture = captureIo();
    expect(await run(['dry-run', 'maybe', '--url', scaler.url], capture.io)).toBe(64);
    expect(capture.err()).toMatch(/maybe/);
  });
});
