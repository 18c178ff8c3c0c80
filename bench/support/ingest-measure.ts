/**
 * Measures how fast a subscriber takes telemetry from NATS: a publisher worker keeps a bounded
 * window of events in flight, and the subscriber's progress, copied to shared memory every
 * millisecond, opens the window. The rate is events over the time from first to last event.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { PublisherJob } from './publisher';

/** A subscriber under test: how many events it has taken, and how to stop it. */
export interface MeasuredSubscriber {
  processed(): number;
  stop(): Promise<void>;
}

/** The outcome of one measured run. */
export interface IngestResult {
  eventsPerSecond: number;
  /** Events per second of CPU time of the main thread: what one uncontended core would take. */
  eventsPerCpuSecond: number;
  sent: number;
  processed: number;
}

const PUBLISHER = path.join(__dirname, 'publisher.js');

/** Returns the CPU time of this process's main thread in seconds, from /proc (Linux only). */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Publishes `job` from a worker and times `subscriber` until it has taken every event. */
export async function measureIngest(
  subscriber: MeasuredSubscriber,
  job: Omit<PublisherJob, 'progress'>,
  timeoutMs = 60_000,
): Promise<IngestResult> {
  const progress = new SharedArrayBuffer(8);
  const shared = new Int32Array(progress);
  const worker = new Worker(PUBLISHER, { workerData: { ...job, progress } });
  const sentPromise = new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { sent: number }) => resolve(message.sent));
    worker.once('error', reject);
  });

  let firstAt = 0;
  let firstCount = 0;
  let lastAt = 0;
  let firstCpu = 0;
  let lastCpu = 0;
  await new Promise<void>((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      const count = subscriber.processed();
      const now = performance.now();
      if (count > 0 && firstAt === 0) {
        firstAt = now;
        firstCount = count;
        firstCpu = mainThreadCpuSeconds();
      }
      Atomics.store(shared, 0, count);
      Atomics.notify(shared, 0);
      if (count >= job.totalEvents || Date.now() > deadline) {
        lastAt = now;
        lastCpu = mainThreadCpuSeconds();
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const sent = await sentPromise;
  await worker.terminate();
  const processed = subscriber.processed();
  const seconds = (lastAt - firstAt) / 1000;
  const cpuSeconds = lastCpu - firstCpu;
  const events = processed - firstCount;
  return {
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    eventsPerCpuSecond: cpuSeconds > 0 ? events / cpuSeconds : 0,
    sent,
    processed,
  };
}
