/**
 * The hand-written event checks against the zod schemas they copy: for any decoded JSON value,
 * the exporter accepts an event exactly when EVENT_SCHEMAS accepts it.
 */
import fc from 'fast-check';
import { Registry } from 'prom-client';

import { TelemetryIngest } from '../../src/exporter/ingest';
import { SelfMetrics } from '../../src/exporter/self-metrics';
import { SignalMetrics } from '../../src/exporter/signal-metrics';
import { SnapshotStore } from '../../src/exporter/snapshot-store';
import { exporterSignals } from '../../src/exporter/signal-metrics';
import { EVENT_KINDS, EVENT_SCHEMAS } from '../../src/telemetry/schema';

function buildIngest(): { ingest: TelemetryIngest; self: SelfMetrics } {
  const registry = new Registry();
  const store = new SnapshotStore({ signals: exporterSignals(), defaultTtlSeconds: 30 });
  const metrics = new SignalMetrics({ registry, store });
  const self = new SelfMetrics(registry, () => store.sourceCount);
  return { ingest: new TelemetryIngest(metrics, self, store, 'p'), self };
}

const fieldValue = fc.oneof(
  fc.constant(1),
  fc.constantFrom('primary', 'get', 'cache', 'timeout', 'one_for_one', 'domain', 'bogus', ''),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);

const FIELDS = [
  'v',
  'seconds',
  'event',
  'strategy',
  'kind',
  'ok',
  'pool',
  'bucket',
  'operation',
  'hit',
  'count',
  'actor_id',
];

/** Objects over the fields the schemas use, mostly with `v: 1` so that the kind checks run. */
const eventLike = fc
  .tuple(fc.dictionary(fc.constantFrom(...FIELDS), fieldValue), fc.boolean())
  .map(([record, forceVersion]) => (forceVersion ? { ...record, v: 1 } : record));

const anyEvent = fc.oneof(eventLike, eventLike, fieldValue);

describe('event handlers', () => {
  test.each(EVENT_KINDS)('%s accepts what its schema accepts', (kind) => {
    const { ingest, self } = buildIngest();
    const accepted = self.accepted.get(kind)!;
    const handle = ingest.kindHandler(`p.${kind}`);
    fc.assert(
      fc.property(anyEvent, (event) => {
        const before = accepted.value;
        handle(Buffer.from(JSON.stringify(event)));
        const isAccepted = accepted.value === before + 1;
        expect(isAccepted).toBe(EVENT_SCHEMAS[kind].safeParse(event).success);
      }),
      { numRuns: 400 },
    );
  });

  test('drop reasons name the fault', () => {
    const { ingest, self } = buildIngest();
    const dropped = (reason: Parameters<SelfMetrics['drop']>[0]): number =>
      self.dropped.get(reason)!.value;
    const handle = ingest.kindHandler('p.pg_query');
    handle(Buffer.from('{"v":1,'));
    handle(Buffer.from('{"v":3,"pool":"primary","seconds":1}'));
    handle(Buffer.from('[{"v":1,"pool":"primary"},{"v":1,"pool":"primary","seconds":1}, 5]'));
    expect(dropped('invalid_json')).toBe(1);
    expect(dropped('unsupported_version')).toBe(1);
    expect(dropped('invalid_event')).toBe(2);
    expect(() => ingest.kindHandler('p.nope')).toThrow(/not a telemetry event subject/);
    expect(self.accepted.get('pg_query')!.value).toBe(1);
  });

  test('folded values count once per event', () => {
    const { ingest, self } = buildIngest();
    const folded = (label: string): number => self.folded.get(label)!.value;
    ingest.kindHandler('p.pg_query')(Buffer.from('{"v":1,"pool":"analytics","seconds":0.1}'));
    ingest.kindHandler('p.kv_op')(
      Buffer.from('{"v":1,"bucket":"tmp","operation":"get","hit":true}'),
    );
    ingest.kindHandler('p.recovery')(Buffer.from('{"v":1,"kind":"disk","ok":true}'));
    expect(folded('pool')).toBe(1);
    expect(folded('bucket')).toBe(1);
    expect(folded('operation')).toBe(0);
    expect(folded('kind')).toBe(1);
  });
});
