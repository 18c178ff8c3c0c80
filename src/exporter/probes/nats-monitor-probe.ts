/**
 * Reads the NATS server's monitoring endpoints `/varz` (server) and `/jsz` (JetStream) over HTTP.
 * Field names are those of nats-server 2.9+ monitoring JSON.
 */
import axios, { type AxiosInstance } from 'axios';

import { redactUrl } from '../redact-url';
import { ProbeError, type Probe, type ProbeMetricSpec, type ProbeSample } from './probe';

const gauge = (name: string, help: string): ProbeMetricSpec => ({
  name,
  help,
  type: 'gauge',
  labelNames: [],
});
const counter = (name: string, help: string): ProbeMetricSpec => ({
  name,
  help,
  type: 'counter',
  labelNames: [],
});

/** `/varz` fields exported, with their metric. */
const VARZ: ReadonlyArray<[field: string, spec: ProbeMetricSpec, scale?: number]> = [
  ['connections', gauge('nats_server_connections', 'Client connections open on the NATS server.')],
  ['subscriptions', gauge('nats_server_subscriptions', 'Subscriptions on the NATS server.')],
  [
    'slow_consumers',
    counter('nats_server_slow_consumers_total', 'Slow consumers the NATS server has seen.'),
  ],
  ['in_msgs', counter('nats_server_in_messages_total', 'Messages the NATS server has received.')],
  ['out_msgs', counter('nats_server_out_messages_total', 'Messages the NATS server has sent.')],
  ['in_bytes', counter('nats_server_in_bytes_total', 'Bytes the NATS server has received.')],
  ['out_bytes', counter('nats_server_out_bytes_total', 'Bytes the NATS server has sent.')],
  ['mem', gauge('nats_server_memory_bytes', 'Resident memory of the NATS server process.')],
  [
    'cpu',
    gauge('nats_server_cpu_ratio', 'CPU use of the NATS server process, 1 = one core.'),
    0.01,
  ],
];

/** `/jsz` fields exported, with their metric. */
const JSZ: ReadonlyArray<[field: string, spec: ProbeMetricSpec]> = [
  ['streams', gauge('nats_jetstream_streams', 'JetStream streams on the server.')],
  ['consumers', gauge('nats_jetstream_consumers', 'JetStream consumers on the server.')],
  ['messages', gauge('nats_jetstream_messages', 'Messages stored in JetStream streams.')],
  ['bytes', gauge('nats_jetstream_bytes', 'Bytes stored in JetStream streams.')],
  ['memory', gauge('nats_jetstream_memory_bytes', 'Memory used by JetStream storage.')],
  ['storage', gauge('nats_jetstream_storage_bytes', 'File storage used by JetStream.')],
];

/** Reads one monitoring endpoint and turns the listed numeric fields into samples. */
class MonitorEndpointProbe implements Probe {
  readonly metrics: ProbeMetricSpec[];
  private readonly http: AxiosInstance;
  /** The base URL without user info, for error messages. */
  private readonly shownUrl: string;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly fields: ReadonlyArray<[string, ProbeMetricSpec, number?]>,
    baseUrl: string,
    timeoutMs: number,
  ) {
    this.metrics = fields.map(([, spec]) => spec);
    this.http = axios.create({ baseURL: baseUrl.replace(/\/+$/, ''), timeout: timeoutMs });
    this.shownUrl = redactUrl(baseUrl).replace(/\/+$/, '');
  }

  async collect(signal: AbortSignal): Promise<ProbeSample[]> {
    let body: Record<string, unknown>;
    try {
      const response = await this.http.get<Record<string, unknown>>(this.path, { signal });
      body = response.data;
    } catch (err) {
      const url = `${this.shownUrl}${this.path}`;
      throw new ProbeError(`could not read NATS monitoring ${url}`, true, { cause: err });
    }
    const samples: ProbeSample[] = [];
    for (const [field, spec, scale = 1] of this.fields) {
      const value = body?.[field];
      if (typeof value === 'number') samples.push({ metric: spec.name, value: value * scale });
    }
    if (samples.length === 0) {
      throw new ProbeError(
        `NATS monitoring ${this.path} returned none of the expected fields`,
        false,
      );
    }
    return samples;
  }
}

/** Creates the `/varz` and `/jsz` probes of the monitoring server at `baseUrl`. */
export function createNatsMonitorProbes(baseUrl: string, timeoutMs: number): Probe[] {
  return [
    new MonitorEndpointProbe('nats_varz', '/varz', VARZ, baseUrl, timeoutMs),
    new MonitorEndpointProbe('nats_jsz', '/jsz', JSZ, baseUrl, timeoutMs),
  ];
}
