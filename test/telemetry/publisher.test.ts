/** The telemetry publisher on the machine's NATS server: subjects, batching and validation. */
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';

import { EVENT_SCHEMAS, SNAPSHOT_SCHEMA } from '../../src/telemetry/schema';
import { TelemetryFormatError, TelemetryPublisher } from '../../src/telemetry/publisher';
import { SHARED_NATS_URL, uniquePrefix, waitFor } from '../exporter/support';

let nc: NatsConnection;

beforeAll(async () => {
  nc = await connect({ servers: SHARED_NATS_URL });
});

afterAll(async () => {
  await nc.close();
});

function collect(subject: string): Msg[] {
  const messages: Msg[] = [];
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      messages.push(msg);
    },
  });
  return messages;
}

describe('telemetry publisher', () => {
  test('batches events per kind', async () => {
    const prefix = uniquePrefix('publisher');
    const messages = collect(`${prefix}.*`);
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix, maxBatch: 3 });
    for (let i = 0; i < 7; i++) publisher.emit('pg_query', { pool: 'primary', seconds: i / 100 });
    publisher.emit('dead_letter', {});
    await publisher.flush();
    await waitFor('4 messages', () => messages.length === 4);

    const bodies = messages.map((msg) => ({ subject: msg.subject, body: msg.json<unknown>() }));
    const queries = bodies.filter((entry) => entry.subject === `${prefix}.pg_query`);
    expect(queries.map((entry) => (Array.isArray(entry.body) ? entry.body.length : 1))).toEqual([
      3, 3, 1,
    ]);
    for (const entry of queries) {
      const events = Array.isArray(entry.body) ? entry.body : [entry.body];
      for (const event of events)
        expect(EVENT_SCHEMAS.pg_query.safeParse(event).success).toBe(true);
    }
    expect(publisher.publishedEvents).toBe(8);
  });

  test('batch of one sends plain objects', async () => {
    const prefix = uniquePrefix('single');
    const messages = collect(`${prefix}.request`);
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix, maxBatch: 1 });
    publisher.emit('request', { seconds: 0.25 });
    await publisher.flush();
    await waitFor('1 message', () => messages.length === 1);
    expect(messages[0].json()).toEqual({ v: 1, seconds: 0.25 });
  });

  test('snapshots go to the snapshot subject', async () => {
    const prefix = uniquePrefix('snapshot');
    const messages = collect(`${prefix}.snapshot`);
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: prefix });
    publisher.snapshot({ source: 'core-1', gauges: { actors_active: { worker: 2 } } });
    await publisher.flush();
    await waitFor('1 snapshot', () => messages.length === 1);
    expect(SNAPSHOT_SCHEMA.parse(messages[0].json())).toEqual({
      v: 1,
      source: 'core-1',
      gauges: { actors_active: { worker: 2 } },
    });
  });

  test('invalid snapshot throws TelemetryFormatError', () => {
    const publisher = new TelemetryPublisher(nc, { subjectPrefix: uniquePrefix('invalid') });
    expect(() => publisher.snapshot({ source: '', gauges: {} })).toThrow(TelemetryFormatError);
  });
});
