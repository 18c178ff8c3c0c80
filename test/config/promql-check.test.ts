import { checkPromql, isKnownMetric } from '../../src/config/promql-check';

describe('checkPromql', () => {
  test.each([
    ['systemcore_components_active', ['systemcore_components_active']],
    [
      'pg_pool_active_connections / pg_pool_max_connections',
      ['pg_pool_active_connections', 'pg_pool_max_connections'],
    ],
    [
      'sum(rate(nats_messages_processed_total{job="x"}[1m])) by (job)',
      ['nats_messages_processed_total'],
    ],
    ['{__name__="actors_active"}', ['actors_active']],
    ['vector(1)', []],
  ])('%s selects %p', (query, metrics) => {
    expect(checkPromql(query)).toEqual({ metrics });
  });

  test.each([
    ['sum(rate(x[1m]', 14, 'unexpected end of expression'],
    ['foo +', 5, 'unexpected end of expression'],
    ['sum by (le) rate(x[1m])', 12, 'unexpected "rate(x[1m])"'],
  ])('%s fails at offset %d', (query, offset, message) => {
    expect(checkPromql(query).syntaxError).toEqual({ offset, message });
  });
});

describe('isKnownMetric', () => {
  test.each([
    ['actor_mailbox_depth', true],
    ['framework_request_duration_seconds_bucket', true],
    ['framework_request_duration_seconds_count', true],
    ['jetstream_kv_operations_per_second', true],
    ['error_recovery_success_rate', true],
    ['actors_active_bucket', false],
    ['mistersmith_active_agents', false],
  ])('%s is known: %p', (name, known) => {
    expect(isKnownMetric(name)).toBe(known);
  });
});
