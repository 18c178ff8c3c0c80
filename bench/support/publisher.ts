/**
 * The load generator of the exporter benchmarks. It runs as a worker thread (windowed mode: keeps
 * at most `window` events ahead of what the subscriber reported in shared memory) or as a child
 * process (paced mode: a fixed rate), so it never shares an event loop with the code measured.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import { connect } from '@nats-io/transport-node';

/** What the publisher sends and how. */
export interface PublisherJob {
  natsUrl: string;
  subject: string;
  /** The message body, sent as is every time. */
  body: string;
  eventsPerMessage: number;
  totalEvents: number;
  /** Windowed mode: events published but not yet reported processed, at most. */
  window?: number;
  /** Paced mode: events per second. */
  ratePerSecond?: number;
  /** Windowed mode: slot 0 holds the events the subscriber has processed. */
  progress?: SharedArrayBuffer;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function publishWindowed(job: PublisherJob): Promise<number> {
  const nc = await connect({ servers: job.natsUrl });
  const progress = new Int32Array(job.progress as SharedArrayBuffer);
  const payload = new TextEncoder().encode(job.body);
  const chunkMessages = Math.max(1, Math.floor(2000 / job.eventsPerMessage));
  let sent = 0;
  while (sent < job.totalEvents) {
    const processed = Atomics.load(progress, 0);
    if (sent - processed + chunkMessages * job.eventsPerMessage > (job.window as number)) {
      Atomics.wait(progress, 0, processed, 5);
      continue;
    }
    for (let i = 0; i < chunkMessages && sent < job.totalEvents; i++) {
      nc.publish(job.subject, payload);
      sent += job.eventsPerMessage;
    }
    await nc.flush();
  }
  await nc.drain();
  return sent;
}

async function publishPaced(job: PublisherJob): Promise<number> {
  const nc = await connect({ servers: job.natsUrl });
  const payload = new TextEncoder().encode(job.body);
  const started = Date.now();
  let sent = 0;
  while (sent < job.totalEvents) {
    const due = Math.min(job.totalEvents, ((Date.now() - started) / 1000) * (job.ratePerSecond as number));
    while (sent + job.eventsPerMessage <= due) {
      nc.publish(job.subject, payload);
      sent += job.eventsPerMessage;
    }
    await nc.flush();
    await sleep(5);
  }
  await nc.drain();
  return sent;
}

async function main(job: PublisherJob, report: (sent: number) => void): Promise<void> {
  report(job.window ? await publishWindowed(job) : await publishPaced(job));
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void main(workerData as PublisherJob, (sent) => port.postMessage({ sent }));
} else if (process.send) {
  process.once('message', (job: PublisherJob) => {
    void main(job, (sent) => process.send?.({ sent }, () => process.exit(0)));
  });
}
