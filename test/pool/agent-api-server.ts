/**
 * A local agent API for the HTTP driver tests: `POST /agents`, `DELETE /agents/:id` and
 * `GET /agents`, honouring the `Idempotency-Key` header, with hooks that lose or fail responses.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express, { type Request, type Response } from 'express';

interface StoredAgent {
  agentId: string;
  role: string;
  idempotencyKey: string;
}

/** What the next spawn does after it has created the agent. */
type SpawnFault = 'lose-response' | 'answer-500' | { status: number };

/** The test server and its observable state. */
export class AgentApiServer {
  readonly agents = new Map<string, StoredAgent>();
  readonly starts = new Map<string, number>();
  readonly spawnRequests = new Map<string, number>();
  readonly requestHeaders: Record<string, string | string[] | undefined>[] = [];
  readonly silenced = new Set<string>();
  isBroken = false;
  private readonly responses = new Map<string, { status: number; body: unknown }>();
  private nextFault: SpawnFault | undefined;
  private server: Server | undefined;

  /** Base URL, such as `http://127.0.0.1:41234`. */
  url = '';

  /** Listens on a free loopback port. */
  async start(): Promise<void> {
    const app = express();
    app.use((req, res, next) => {
      this.requestHeaders.push(req.headers);
      if (this.isBroken) return void res.status(503).json({ error: 'maintenance' });
      next();
    });
    app.post('/agents', express.json(), (req, res) => this.spawn(req, res));
    app.delete('/agents/:id', (req, res) => this.retire(req.params.id, res));
    app.get('/agents', (_req, res) => {
      const live = [...this.agents.values()].filter((agent) => !this.silenced.has(agent.agentId));
      res.json({ agents: live.map((agent) => ({ agentId: agent.agentId, state: 'running' })) });
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Makes the next spawn create its agent and then fail in the way `fault` names. */
  failNextSpawn(fault: SpawnFault): void {
    this.nextFault = fault;
  }

  private spawn(req: Request, res: Response): void {
    const body = req.body as StoredAgent;
    const key = req.header('Idempotency-Key');
    this.spawnRequests.set(body.agentId, (this.spawnRequests.get(body.agentId) ?? 0) + 1);
    if (!key) return void res.status(400).json({ error: 'Idempotency-Key header is required' });

    const fault = this.nextFault;
    this.nextFault = undefined;
    if (typeof fault === 'object')
      return void res.status(fault.status).json({ error: 'rejected by test' });

    const replay = this.responses.get(key);
    if (replay) return void res.status(replay.status).json(replay.body);
    const existing = this.agents.get(body.agentId);
    if (existing) return void res.status(409).json({ error: `agent ${body.agentId} exists` });

    this.agents.set(body.agentId, { agentId: body.agentId, role: body.role, idempotencyKey: key });
    this.starts.set(body.agentId, (this.starts.get(body.agentId) ?? 0) + 1);
    const answer = { status: 201, body: { agentId: body.agentId, state: 'running' } };
    this.responses.set(key, answer);

    if (fault === 'lose-response') return void req.socket.destroy();
    if (fault === 'answer-500') return void res.status(500).json({ error: 'internal error' });
    res.status(answer.status).json(answer.body);
  }

  private retire(agentId: string, res: Response): void {
    if (!this.agents.delete(agentId)) return void res.status(404).json({ error: 'no such agent' });
    this.silenced.delete(agentId);
    res.status(204).end();
  }
}
