/**
 * Exporter benchmarks: ingest rate from NATS against a bare nats.js subscriber, batched ingest,
 * /metrics render time against prom-client's own metrics, and memory at 100,000 events/s.
 * docs/performance.md records the figures and the machine.
 */
import { fork } from 'node:child_process';
import path from 'node:path';

import { connect } from '@nats-io/transport-node';
import { Registry } from 'prom-client';

import { loadConfig } from '../src/config/load';
import { TelemetryExporter } from '../src/exporter';
import { createLogger } from '../src/log';
import type { BenchEntry } from './entry';
import { measureIngest, type MeasuredSubscriber } from './support/ingest-measure';
import { startBenchNatsServer, type BenchNatsServer } from './support/nats-server';
import type { PublisherJob } from './support/publisher';
import { compareRender } from './support/render-compare';

const CONFIG = path.join(__dirname, '..', '..', 'ms-framework-swarm.yaml');
const EVENT = { v: 1, pool: 'primary', seconds: 0.0031 };
let runs = 0;

async function startExporter(server: BenchNatsServer, prefix: string): Promise<MeasuredSubscriber> {
  const exporter = new TelemetryExporter({
    config: loadConfig(CONFIG).config,
    registry: new Registry(),
    logger: createLogger({ level: 'silent' }),
    natsUrl: server.url,
    subjectPrefix: prefix,
    probeIntervalMs: 3_600_000,
  });
  await exporter.start();
  const cells = [...exporter.self.accepted.values(), ...exporter.self.dropped.values()];
  return {
    processed: () => cells.reduce((total, cell) => total + cell.value, 0),
    stop: () => exporter.stop(),
  };
}

/**
 * Starts a plain nats.js subscriber: `bare` only counts messages, `parsing` also decodes each
 * body with `msg.json()`, the least any consumer of JSON telemetry does.
 */
async function startPlainSubscriber(
  server: BenchNatsServer,
  subject: string,
  isParsing: boolean,
): Promise<MeasuredSubscriber> {
  const nc = await connect({ servers: server.url });
  let count = 0;
  nc.subscribe(subject, {
    callback: isParsing
      ? (_err, msg) => {
          msg.json();
          count++;
        }
      : () => {
          count++;
        },
  });
  await nc.flush();
  return { processed: () => count, stop: () => nc.close() };
}

function job(
  server: BenchNatsServer,
  prefix: string,
  eventsPerMessage: number,
  totalEvents: number,
): Omit<PublisherJob, 'progress'> {
  const body = JSON.stringify(
    eventsPerMessage === 1 ? EVENT : Array.from({ length: eventsPerMessage }, () => EVENT),
  );
  return {
    natsUrl: server.url,
    subject: `${prefix}.pg_query`,
    body,
    eventsPerMessage,
    totalEvents,
    window: 20_000 * Math.max(1, eventsPerMessage / 10),
  };
}

type SubscriberKind = 'exporter' | 'bare' | 'parsing';

async function ingestOnce(
  server: BenchNatsServer,
  kind: SubscriberKind,
  eventsPerMessage: number,
  totalEvents: number,
) {
  const prefix = `bench.${process.pid}.${runs++}`;
  const subscriber =
    kind === 'exporter'
      ? await startExporter(server, prefix)
      : await startPlainSubscriber(server, `${prefix}.pg_query`, kind === 'parsing');
  try {
    return await measureIngest(subscriber, job(server, prefix, eventsPerMessage, totalEvents));
  } finally {
    await subscriber.stop();
  }
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Wall-clock and CPU rates of one subscriber kind over the rounds. */
interface RoundRates {
  wall: number[];
  cpu: number[];
}

/** Returns an entry of the exporter's median rate against a baseline, with the median ratio. */
function compared(name: string, unit: string, ours: number[], baseline: number[]): BenchEntry {
  const ratios = ours.map((value, round) => value / baseline[round]);
  return {
    name,
    value: Math.round(median(ours)),
    unit,
    baseline: Math.round(median(baseline)),
    ratio: round3(median(ratios)),
  };
}

async function singleEventIngest(server: BenchNatsServer): Promise<BenchEntry[]> {
  const kinds: SubscriberKind[] = ['bare', 'parsing', 'exporter'];
  const rates = new Map<SubscriberKind, RoundRates>(
    kinds.map((kind) => [kind, { wall: [], cpu: [] }]),
  );
  let lost = 0;
  // Rounds alternate the subscribers, and each ratio is the median of the per-round ratios, so
  // that load from other processes shifts both sides of a ratio alike.
  for (let round = 0; round < 5; round++) {
    for (const kind of kinds) {
      const result = await ingestOnce(server, kind, 1, 500_000);
      rates.get(kind)?.wall.push(result.eventsPerSecond);
      rates.get(kind)?.cpu.push(result.eventsPerCpuSecond);
      if (kind === 'exporter') lost += result.sent - result.processed;
    }
  }
  const [bare, parsing, ours] = kinds.map((kind) => rates.get(kind) as RoundRates);
  return [
    compared('exporter_ingest_single_event_messages', 'events/s', ours.wall, bare.wall),
    compared(
      'exporter_ingest_single_event_messages_per_cpu_second',
      'events/cpu-s',
      ours.cpu,
      bare.cpu,
    ),
    compared(
      'exporter_ingest_single_event_messages_vs_parsing_subscriber',
      'events/s',
      ours.wall,
      parsing.wall,
    ),
    compared(
      'exporter_ingest_single_event_messages_vs_parsing_subscriber_per_cpu_second',
      'events/cpu-s',
      ours.cpu,
      parsing.cpu,
    ),
    { name: 'exporter_ingest_single_event_lost', value: lost, unit: 'events' },
  ];
}

async function batchedIngest(server: BenchNatsServer): Promise<BenchEntry[]> {
  const rates: number[] = [];
  let lost = 0;
  for (let round = 0; round < 3; round++) {
    const result = await ingestOnce(server, 'exporter', 200, 3_000_000);
    rates.push(result.eventsPerSecond);
    lost += result.sent - result.processed;
  }
  return [
    {
      name: 'exporter_ingest_batched_200_events_per_message',
      value: Math.round(median(rates)),
      unit: 'events/s',
    },
    { name: 'exporter_ingest_batched_lost', value: lost, unit: 'events' },
  ];
}

/** Feeds the exporter 100,000 events/s for 10 s from a child process; returns the peak RSS. */
async function memoryAtRate(server: BenchNatsServer): Promise<BenchEntry[]> {
  const prefix = `bench.${process.pid}.memory`;
  const subscriber = await startExporter(server, prefix);
  const totalEvents = 1_000_000;
  const child = fork(path.join(__dirname, 'support', 'publisher.js'));
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const paced: Omit<PublisherJob, 'progress'> = {
      ...job(server, prefix, 100, totalEvents),
      window: undefined,
      ratePerSecond: 100_000,
    };
    const sent = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { sent: number }) => resolve(message.sent));
      child.once('error', reject);
      child.send(paced);
    });
    const deadline = Date.now() + 10_000;
    while (subscriber.processed() < sent && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return [
      {
        name: 'exporter_peak_rss_at_100k_events_per_second',
        value: round3(peak / 1024 / 1024),
        unit: 'MB',
      },
      { name: 'exporter_memory_run_lost', value: sent - subscriber.processed(), unit: 'events' },
    ];
  } finally {
    clearInterval(sampler);
    await subscriber.stop();
  }
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Runs the exporter benchmarks on a nats-server of their own. */
export async function run(): Promise<BenchEntry[]> {
  const server = await startBenchNatsServer();
  try {
    // Memory first, while the heap contains nothing from the other runs.
    const memory = await memoryAtRate(server);
    const single = await singleEventIngest(server);
    const batched = await batchedIngest(server);
    const render = await compareRender();
    return [...single, ...batched, ...render, ...memory];
  } finally {
    await server.stop();
  }
}
