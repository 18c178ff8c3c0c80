/**
 * Reads the state of the framework's JetStream KV buckets (sessions, agent state, query cache):
 * values, bytes and TTL, next to the TTL the swarm config expects. It opens buckets read-only and
 * never creates one; a missing bucket shows as `jetstream_kv_bucket_present 0`.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';

import { KV_BUCKETS } from '../../catalog/signals';
import { ProbeError, type Probe, type ProbeMetricSpec, type ProbeSample } from './probe';

/** Catalogue bucket (`session`, `agent_state`, `cache`) to the JetStream KV bucket name. */
export type KvBucketNames = Partial<Record<(typeof KV_BUCKETS)[number], string>>;

const bucketGauge = (name: string, help: string): ProbeMetricSpec => ({
  name,
  help,
  type: 'gauge',
  labelNames: ['bucket'],
});

const METRICS = [
  bucketGauge('jetstream_kv_bucket_present', '1 when the KV bucket exists, 0 when it is missing.'),
  bucketGauge('jetstream_kv_bucket_values', 'Entries stored in the KV bucket.'),
  bucketGauge('jetstream_kv_bucket_bytes', 'Bytes stored in the KV bucket.'),
  bucketGauge('jetstream_kv_bucket_ttl_seconds', 'TTL of the KV bucket; 0 means no expiry.'),
  bucketGauge(
    'jetstream_kv_bucket_expected_ttl_seconds',
    'TTL the swarm config expects for the bucket.',
  ),
];

/** JetStream's error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;

function isBucketMissing(err: unknown): boolean {
  const apiError = (err as { api_error?: { err_code?: number } } | undefined)?.api_error;
  if (apiError?.err_code === STREAM_NOT_FOUND) return true;
  return err instanceof Error && /stream not found/i.test(err.message);
}

export interface KvBucketProbeOptions {
  /** The exporter's NATS connection; undefined while it is not connected. */
  connection: () => NatsConnection | undefined;
  buckets: KvBucketNames;
  /** Expected TTL in seconds by catalogue bucket, from the swarm config. */
  expectedTtls: Map<string, number>;
}

/** Probes the configured KV buckets through the exporter's NATS connection. */
export class KvBucketProbe implements Probe {
  readonly name = 'jetstream_kv';
  readonly metrics = METRICS;

  constructor(private readonly options: KvBucketProbeOptions) {}

  async collect(signal: AbortSignal): Promise<ProbeSample[]> {
    const nc = this.options.connection();
    if (!nc || nc.isClosed()) {
      throw new ProbeError('NATS is not connected', true, undefined, 'PROBE_NOT_READY');
    }
    const kvm = new Kvm(nc);
    const samples: ProbeSample[] = [];
    for (const bucket of KV_BUCKETS) {
      const expected = this.options.expectedTtls.get(bucket);
      if (expected !== undefined) {
        samples.push({
          metric: 'jetstream_kv_bucket_expected_ttl_seconds',
          labels: { bucket },
          value: expected,
        });
      }
      const name = this.options.buckets[bucket];
      if (!name || signal.aborted) continue;
      samples.push(...(await this.readBucket(kvm, bucket, name)));
    }
    return samples;
  }

  private async readBucket(kvm: Kvm, bucket: string, name: string): Promise<ProbeSample[]> {
    const labels = { bucket };
    try {
      const status = await (await kvm.open(name)).status();
      return [
        { metric: 'jetstream_kv_bucket_present', labels, value: 1 },
        { metric: 'jetstream_kv_bucket_values', labels, value: status.values },
        { metric: 'jetstream_kv_bucket_bytes', labels, value: status.size },
        { metric: 'jetstream_kv_bucket_ttl_seconds', labels, value: status.ttl / 1000 },
      ];
    } catch (err) {
      if (isBucketMissing(err))
        return [{ metric: 'jetstream_kv_bucket_present', labels, value: 0 }];
      throw new ProbeError(`could not read KV bucket ${name}`, true, { cause: err });
    }
  }
}
