/**
 * Reads PostgreSQL's own statistics: connections by application name and state from
 * `pg_stat_activity`, transaction counters from `pg_stat_database`, and the pool sizes the swarm
 * config declares, so dashboards can compare the two.
 */
import { Pool } from 'pg';

import { LabelFolder } from '../labels';
import { redactUrl } from '../redact-url';
import { ProbeError, type Probe, type ProbeMetricSpec, type ProbeSample } from './probe';

// pg_stat_activity.state values of PostgreSQL 10 to 17; anything else is exported as `other`.
const STATES = new Set([
  'active',
  'idle',
  'idle in transaction',
  'idle in transaction (aborted)',
  'fastpath function call',
  'disabled',
]);

const METRICS: ProbeMetricSpec[] = [
  {
    name: 'pg_stat_activity_connections',
    help: 'Server connections by application name and state.',
    type: 'gauge',
    labelNames: ['application_name', 'state'],
  },
  {
    name: 'pg_stat_database_xact_commit_total',
    help: 'Transactions committed in a database.',
    type: 'counter',
    labelNames: ['datname'],
  },
  {
    name: 'pg_stat_database_xact_rollback_total',
    help: 'Transactions rolled back in a database.',
    type: 'counter',
    labelNames: ['datname'],
  },
  {
    name: 'pg_stat_database_backends',
    help: 'Backends connected to a database.',
    type: 'gauge',
    labelNames: ['datname'],
  },
  {
    name: 'pg_pool_configured_max_connections',
    help: 'Maximum size of a connection pool as the swarm config declares it.',
    type: 'gauge',
    labelNames: ['pool'],
  },
];

const ACTIVITY_SQL = `SELECT coalesce(application_name, '') AS application_name,
  coalesce(state, 'none') AS state, count(*)::int AS connections
  FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1, 2`;

const DATABASE_SQL = `SELECT datname, xact_commit::float8 AS commits,
  xact_rollback::float8 AS rollbacks, numbackends::int AS backends
  FROM pg_stat_database WHERE datname IS NOT NULL`;

export interface PostgresProbeOptions {
  databaseUrl: string;
  timeoutMs: number;
  /** Pool sizes from the swarm config, by catalogue pool name. */
  poolSizes: Map<string, number>;
}

/** Probes one PostgreSQL server over a single pooled connection. */
export class PostgresProbe implements Probe {
  readonly name = 'postgres';
  readonly metrics = METRICS;
  private readonly pool: Pool;
  private readonly applications = new LabelFolder(32);
  private readonly databases = new LabelFolder(32);

  constructor(private readonly options: PostgresProbeOptions) {
    this.pool = new Pool({
      connectionString: options.databaseUrl,
      max: 1,
      connectionTimeoutMillis: options.timeoutMs,
      query_timeout: options.timeoutMs,
      application_name: 'swarm-scaler-exporter',
    });
    // An idle connection that breaks emits here; the next run reconnects and reports failures.
    this.pool.on('error', () => undefined);
  }

  async collect(): Promise<ProbeSample[]> {
    try {
      const activity = await this.pool.query(ACTIVITY_SQL);
      const databases = await this.pool.query(DATABASE_SQL);
      return [
        ...this.activitySamples(activity.rows),
        ...this.databaseSamples(databases.rows),
        ...this.poolSamples(),
      ];
    } catch (err) {
      const url = redactUrl(this.options.databaseUrl);
      throw new ProbeError(`could not read PostgreSQL statistics from ${url}`, true, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private activitySamples(
    rows: { application_name: string; state: string; connections: number }[],
  ): ProbeSample[] {
    const totals = new Map<string, ProbeSample>();
    for (const row of rows) {
      const application = this.applications.fold(row.application_name || 'none');
      const state = STATES.has(row.state) || row.state === 'none' ? row.state : 'other';
      const key = `${application}\u0000${state}`;
      const sample = totals.get(key);
      if (sample) sample.value += row.connections;
      else {
        const labels = { application_name: application, state };
        totals.set(key, { metric: 'pg_stat_activity_connections', labels, value: row.connections });
      }
    }
    return [...totals.values()];
  }

  private databaseSamples(
    rows: { datname: string; commits: number; rollbacks: number; backends: number }[],
  ): ProbeSample[] {
    const samples = new Map<string, ProbeSample>();
    const add = (metric: string, datname: string, value: number): void => {
      const key = `${metric}\u0000${datname}`;
      const sample = samples.get(key);
      if (sample) sample.value += value;
      else samples.set(key, { metric, labels: { datname }, value });
    };
    for (const row of rows) {
      const datname = this.databases.fold(row.datname);
      add('pg_stat_database_xact_commit_total', datname, row.commits);
      add('pg_stat_database_xact_rollback_total', datname, row.rollbacks);
      add('pg_stat_database_backends', datname, row.backends);
    }
    return [...samples.values()];
  }

  private poolSamples(): ProbeSample[] {
    return [...this.options.poolSizes].map(([pool, size]) => ({
      metric: 'pg_pool_configured_max_connections',
      labels: { pool },
      value: size,
    }));
  }
}
