/**
 * The load generator of the exporter benchmarks, so that it never shares an event loop with the
 * code measured. As a worker thread it runs windowed: it keeps at most `window` events ahead of
 * the progress the subscriber reports in shared memory. As a child process it runs paced, at a
 * fixed rate.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import { connect } from '@nats-io/transport-node';

/** A publishing job: the message, the amount and the pacing. */
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
  /** Windowed mode: slot 0 contains the number of events the subscriber has processed. */
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
    const due = Math.min(
      job.totalEvents,
      ((Date.now() - started) / 1000) * (job.ratePerSecond as number),
    );
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
