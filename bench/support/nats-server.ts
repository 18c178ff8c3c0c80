/** A nats-server of the benchmark's own on free loopback ports, so no other load shares it. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { connect } from '@nats-io/transport-node';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A running server and the way to stop it. */
export interface BenchNatsServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts /usr/sbin/nats-server and resolves once a client can connect. */
export async function startBenchNatsServer(): Promise<BenchNatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'swarm-bench-nats-'));
  const child = spawn(
    '/usr/sbin/nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir],
    {
      stdio: 'ignore',
    },
  );
  const url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await (await connect({ servers: url })).close();
      break;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`nats-server did not start on ${url}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
