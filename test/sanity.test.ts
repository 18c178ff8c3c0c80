import { PGlite } from '@electric-sql/pglite';
import { connect } from '@nats-io/transport-node';
import { promqlParser as parser } from '../src/config/promql-parser';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import cron from 'node-cron';

test('libs load', async () => {
  const db = new PGlite();
  const r = await db.query<{ x: number }>('select 1 as x');
  expect(r.rows[0].x).toBe(1);
  const nc = await connect({ servers: '127.0.0.1:4222' });
  await nc.close();
  expect(parser.parse('rate(x[5m])').topNode.name).toBe('PromQL');
  expect(new DashboardBuilder('x').uid('y').build().uid).toBe('y');
  expect(typeof cron.schedule).toBe('function');
});
