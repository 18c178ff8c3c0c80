import { WEBHOOK_PATH } from '../../src/catalog/alert-contract';
import { createTestDatabase, type TestDatabase } from '../store/pg-test-db';
import { alert, payload } from './fixtures';
import { startScaler, type RunningScaler } from './harness';

const RULE = 'actor_system_load';

type Labels = Record<string, string>;

describe('HTTP input checks on PostgreSQL without credentials', () => {
  let testDb: TestDatabase;
  let scaler: RunningScaler;

  beforeAll(async () => {
    testDb = await createTestDatabase('scaler_http_input');
    scaler = await startScaler({ databaseUrl: testDb.url });
  });

  afterAll(async () => {
    await scaler.stop();
    await testDb.drop();
  });

  const count = async (table: string) =>
    Number(
      (await scaler.database.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n,
    );

  const firing = (fingerprint: string) =>
    payload([alert({ fingerprint, rule: RULE, kind: 'rule' })]);

  const postRaw = async (path: string, body: string, headers: Record<string, string>) => {
    const response = await fetch(`${scaler.url}${path}`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  describe('Content-Type', () => {
    const routes = [
      WEBHOOK_PATH,
      '/api/v1/scale',
      '/api/v1/pause',
      '/api/v1/resume',
      '/api/v1/dry-run',
    ];

    test.each(routes)('text/plain POST to %s gets 415', async (path) => {
      const body = path === WEBHOOK_PATH ? JSON.stringify(firing('ct1')) : '{"target": 21}';
      const response = await postRaw(path, body, { 'content-type': 'text/plain' });
      expect(response.status).toBe(415);
      expect(response.body.error).toBe('unsupported_media_type');
      expect(response.body.message).toContain('application/json');
    });

    test.each(routes)('form POST to %s gets 415', async (path) => {
      const response = await postRaw(path, 'a=b', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(415);
    });

    test('rejected posts store and change nothing', async () => {
      expect(await count('notifications')).toBe(0);
      const pool = await scaler.get('/api/v1/pool');
      expect(pool.body.paused).toBe(false);
      expect(pool.body.targetPin ?? null).toBeNull();
    });

    test('pause accepts an empty JSON object', async () => {
      const paused = await scaler.post('/api/v1/pause', {});
      expect(paused.status).toBe(200);
      expect(paused.body.paused).toBe(true);
      const resumed = await scaler.post('/api/v1/resume', {}, {
        'content-type': 'application/json; charset=utf-8',
      });
      expect(resumed.status).toBe(200);
      expect(resumed.body.paused).toBe(false);
    });
  });

  describe('values the database cannot store', () => {
    const cases: [string, (body: ReturnType<typeof firing>) => void, string][] = [
      [
        'NUL in a label value',
        (b) => ((b.alerts[0].labels as Labels).team = 'a\u0000b'),
        'alerts.0.labels.team',
      ],
      [
        'NUL in a label name',
        (b) => ((b.alerts[0].labels as Labels)['te\u0000am'] = 'x'),
        'alerts.0.labels',
      ],
      [
        'NUL in an annotation',
        (b) => (b.alerts[0].annotations = { summary: '\u0000' }),
        'alerts.0.annotations.summary',
      ],
      [
        'NUL in the fingerprint',
        (b) => (b.alerts[0].fingerprint = 'ab\u0000'),
        'alerts.0.fingerprint',
      ],
      ['NUL in the groupKey', (b) => (b.groupKey = '\u0000'), 'groupKey'],
      [
        '10,000-character fingerprint',
        (b) => (b.alerts[0].fingerprint = 'a'.repeat(10_000)),
        'alerts.0.fingerprint',
      ],
      [
        '6,000-character scaling_rule',
        (b) => (b.alerts[0].labels.scaling_rule = 'r'.repeat(6000)),
        'alerts.0.labels.scaling_rule',
      ],
    ];

    test.each(cases)('%s gets 400 naming the field', async (_name, spoil, path) => {
      const body = firing('nul1');
      spoil(body);
      const response = await scaler.post(WEBHOOK_PATH, body);
      expect(response.status).toBe(400);
      const issue = response.body.issues.find((entry: { path: string }) =>
        entry.path.startsWith(path),
      );
      expect(issue).toBeDefined();
      expect(issue.message).toMatch(/NUL|at most|expected 1 to 64/);
      expect(await count('notifications')).toBe(0);
    });

    test('NUL in the decisions rule filter gets 400', async () => {
      const response = await scaler.get('/api/v1/decisions?rule=%00');
      expect(response.status).toBe(400);
      expect(response.body.issues[0].path).toBe('rule');
    });

    test('overlong decisions rule filter gets 400', async () => {
      const response = await scaler.get(`/api/v1/decisions?rule=${'r'.repeat(6000)}`);
      expect(response.status).toBe(400);
      expect(response.body.issues[0].message).toContain('at most 1024 bytes');
    });
  });

  describe('body encoding', () => {
    test.each(['gzip', 'br', 'deflate'])('bad %s body gets 400', async (encoding) => {
      const response = await postRaw(WEBHOOK_PATH, 'xx', {
        'content-type': 'application/json',
        'content-encoding': encoding,
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(`Content-Encoding "${encoding}"`);
    });

    test('unknown encoding gets 415', async () => {
      const response = await postRaw(WEBHOOK_PATH, 'xx', {
        'content-type': 'application/json',
        'content-encoding': 'compress',
      });
      expect(response.status).toBe(415);
      expect(response.body.message).toContain('compress');
    });

    test('oversized body names the limit', async () => {
      const big = firing('big2');
      big.alerts[0].annotations = { description: 'x'.repeat(1100 * 1024) };
      const response = await scaler.post(WEBHOOK_PATH, big);
      expect(response.status).toBe(413);
      expect(response.body.message).toContain('1048576 bytes (1 MiB)');
      expect(response.body.message).not.toContain('maxBodyBytes');
    });
  });

  describe('timestamps', () => {
    test.each([
      ['2026-02-30T00:00:00Z', 'impossible date'],
      ['2026-12-04T16:30:00', 'no zone'],
      ['2026-12-04 16:30:00Z', 'space separator'],
      ['2026-12-04T24:00:00Z', 'hour 24'],
    ])('startsAt %s (%s) gets 400', async (startsAt) => {
      const response = await scaler.post(
        WEBHOOK_PATH,
        payload([alert({ fingerprint: 'ts1', rule: RULE, kind: 'rule', startsAt })]),
      );
      expect(response.status).toBe(400);
      expect(response.body.issues[0].path).toBe('alerts.0.startsAt');
      expect(await count('notifications')).toBe(0);
    });

    test('offset zone and fraction are accepted', async () => {
      const response = await scaler.post(
        WEBHOOK_PATH,
        payload([
          alert({
            fingerprint: 'ts2',
            rule: 'unknown_rule_x',
            kind: 'rule',
            startsAt: '2024-02-29T16:30:00.123456789+02:00',
          }),
        ]),
      );
      expect(response.status).toBe(200);
    });
  });

  describe('messages', () => {
    test('null body says a JSON object is expected', async () => {
      const response = await postRaw(WEBHOOK_PATH, 'null', { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
      expect(response.body.issues[0].message).toBe('expected a JSON object, received null');
    });

    test.each(['groupKey', 'receiver'])('missing %s is called missing', async (field) => {
      const body: Record<string, unknown> = { ...firing('m1') };
      delete body[field];
      const response = await scaler.post(WEBHOOK_PATH, body);
      expect(response.status).toBe(400);
      expect(response.body.issues).toEqual([{ path: field, message: 'missing: expected string' }]);
    });

    test('missing fingerprint is called missing', async () => {
      const body = firing('m2');
      delete (body.alerts[0] as { fingerprint?: string }).fingerprint;
      const response = await scaler.post(WEBHOOK_PATH, body);
      expect(response.body.issues).toEqual([
        { path: 'alerts.0.fingerprint', message: 'missing: expected string' },
      ]);
    });
  });

  describe('decisions query', () => {
    test.each([
      ['rule[]=a&rule[]=b', 'rule[]'],
      ['rule=a&rule=b', 'rule'],
      ['limit=1&limit=2', 'limit'],
    ])('%s gets 400', async (query, name) => {
      const response = await scaler.get(`/api/v1/decisions?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(name);
      expect(response.body.message).not.toContain('NaN');
    });

    test('limit that is not a number gets 400', async () => {
      const response = await scaler.get('/api/v1/decisions?limit=abc');
      expect(response.status).toBe(400);
      expect(response.body.issues[0].message).toBe('expected a whole number from 1 to 500');
    });

    test('valid query gets 200', async () => {
      const response = await scaler.get('/api/v1/decisions?rule=x&limit=5');
      expect(response.status).toBe(200);
      expect(response.body.decisions).toEqual([]);
    });
  });
});

describe('HTTP input checks on PGlite', () => {
  test('NUL and overlong fingerprint get 400', async () => {
    const scaler = await startScaler({});
    try {
      const withNul = payload([
        alert({ fingerprint: 'pg1', rule: RULE, kind: 'rule', labels: { team: '\u0000' } }),
      ]);
      const nulResponse = await scaler.post(WEBHOOK_PATH, withNul);
      expect(nulResponse.status).toBe(400);
      expect(nulResponse.body.issues[0].path).toBe('alerts.0.labels.team');

      const longFingerprint = payload([
        alert({ fingerprint: 'f'.repeat(10_000), rule: RULE, kind: 'rule' }),
      ]);
      const longResponse = await scaler.post(WEBHOOK_PATH, longFingerprint);
      expect(longResponse.status).toBe(400);
      expect(longResponse.body.issues[0].path).toBe('alerts.0.fingerprint');

      const stored = await scaler.database.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM notifications',
      );
      expect(stored.rows[0].n).toBe(0);
    } finally {
      await scaler.stop();
    }
  });
});
