/**
 * The HTTP driver: `POST {url}/agents` spawns, `DELETE {url}/agents/{id}` retires and an optional
 * `GET {url}/agents`, polled, gives liveness.
 *
 * Network errors and 5xx responses are retried with exponential backoff inside one spawn or retire,
 * within `driver.timeout`. Each spawn carries an `Idempotency-Key` header (the request's
 * idempotency key), so a server that honours it starts one agent however often the spawn is sent.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';

import { DriverError, type Heartbeat, type PoolDriver, type SpawnRequest } from './driver';
import type { DriverRuntime } from './driver-runtime';
import { toHttpDriverError } from './http-errors';
import { durationMs, parseOptions } from './options';
import { RetryPolicy } from './retry';

/** `driver.options` of the HTTP driver. */
export const httpOptionsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  /** Extra request headers, such as an API version; put tokens in SWARM_DRIVER_TOKEN instead. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Interval of `GET {url}/agents`; without it the driver reports no heartbeats. */
  liveness_interval: durationMs().optional(),
  max_attempts: z.number().int().min(1).default(4),
  initial_backoff: durationMs().default(200),
  max_backoff: durationMs().default(5000),
  failure_threshold: z.number().int().positive().optional(),
});

/** Resolved settings of an HTTP driver. */
export type HttpDriverOptions = z.output<typeof httpOptionsSchema> & { token?: string };

/** Reads `driver.options` of the HTTP driver; `token` comes from the environment. */
export function parseHttpOptions(options: unknown, token?: string): HttpDriverOptions {
  return { ...parseOptions('http', httpOptionsSchema, options), token };
}

/** One agent in the response of `GET {url}/agents`. */
const listedAgentSchema = z.object({
  agentId: z.string().optional(),
  id: z.string().optional(),
  state: z.string().optional(),
});
const agentListSchema = z.union([
  z.array(listedAgentSchema),
  z.object({ agents: z.array(listedAgentSchema) }),
]);

/** States in a liveness response that mean the agent is not alive. */
const DEAD_STATES = new Set(['stopped', 'failed', 'exited']);

/** Drives agents through an HTTP API. */
export class HttpDriver implements PoolDriver {
  readonly kind = 'http';
  readonly reportsHeartbeats: boolean;
  private readonly client: AxiosInstance;
  private readonly retry: RetryPolicy;
  private pollTimer: NodeJS.Timeout | undefined;
  private isLivenessFailing = false;

  constructor(
    private readonly options: HttpDriverOptions,
    private readonly runtime: DriverRuntime,
  ) {
    this.reportsHeartbeats = options.liveness_interval !== undefined;
    const authorization = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    this.client = axios.create({
      baseURL: options.url.replace(/\/+$/, ''),
      headers: { ...options.headers, ...authorization },
      // Statuses are classified by this driver, and the configured URL is called directly.
      validateStatus: () => true,
      proxy: false,
      maxRedirects: 0,
    });
    this.retry = new RetryPolicy({
      maxAttempts: options.max_attempts,
      initialDelayMs: options.initial_backoff,
      maxDelayMs: Math.max(options.max_backoff, options.initial_backoff),
    });
  }

  async start(): Promise<void> {
    if (this.options.liveness_interval !== undefined) {
      this.pollTimer = setInterval(() => void this.pollLiveness(), this.options.liveness_interval);
      this.pollTimer.unref();
    }
    this.runtime.logger.info(
      { reportsHeartbeats: this.reportsHeartbeats },
      'http pool driver started',
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  spawn(request: SpawnRequest): Promise<void> {
    return this.runtime.tracker.track('spawn', request.agentId, async (signal) => {
      const body = {
        agentId: request.agentId,
        role: request.role,
        category: request.category,
        spec: request.spec,
        idempotencyKey: request.idempotencyKey,
      };
      const headers = { 'Idempotency-Key': request.idempotencyKey };
      await this.send('spawn', request.agentId, signal, () =>
        this.client.post('/agents', body, { headers, signal }),
      );
    });
  }

  retire(agentId: string): Promise<void> {
    return this.runtime.tracker.track('retire', agentId, async (signal) => {
      await this.send('retire', agentId, signal, () =>
        this.client.delete(`/agents/${encodeURIComponent(agentId)}`, { signal }),
      );
    });
  }

  onHeartbeat(listener: (heartbeat: Heartbeat) => void): () => void {
    return this.runtime.heartbeats.add(listener);
  }

  isHealthy(): boolean {
    return this.runtime.health.isHealthy();
  }

  /** Fetches `GET {url}/agents` once and emits a heartbeat for every listed live agent. */
  async pollLiveness(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.runtime.tracker.track('status', '*', (signal) =>
        this.fetchLiveAgents(signal),
      );
    } catch (err) {
      // Logged once per outage: every poll of an unreachable API fails the same way.
      if (!this.isLivenessFailing) this.runtime.logger.warn({ err }, 'liveness poll failed');
      this.isLivenessFailing = true;
      return;
    }
    if (this.isLivenessFailing) this.runtime.logger.info('liveness poll recovered');
    this.isLivenessFailing = false;
    const at = Date.now();
    for (const agentId of ids) this.runtime.heartbeats.emit({ agentId, at });
  }

  private async fetchLiveAgents(signal: AbortSignal): Promise<string[]> {
    const response = await this.send('status', '*', signal, () =>
      this.client.get('/agents', { signal }),
    );
    const parsed = agentListSchema.safeParse(response.data);
    if (!parsed.success) {
      throw new DriverError(
        'GET /agents returned an unexpected body: expected a JSON array of {"agentId": ...} or {"agents": [...]}',
        'invalid_response',
        false,
      );
    }
    const agents = Array.isArray(parsed.data) ? parsed.data : parsed.data.agents;
    return agents
      .filter((agent) => !DEAD_STATES.has(agent.state ?? ''))
      .map((agent) => agent.agentId ?? agent.id)
      .filter((id): id is string => id !== undefined);
  }

  /** Sends a request, retrying network errors and 5xx; a retire's 404 counts as success. */
  private send(
    operation: 'spawn' | 'retire' | 'status',
    agentId: string,
    signal: AbortSignal,
    call: () => Promise<AxiosResponse>,
  ): Promise<AxiosResponse> {
    return this.retry.run(
      async () => {
        let response: AxiosResponse;
        try {
          response = await call();
        } catch (err) {
          throw toHttpDriverError(err, operation, agentId);
        }
        if (response.status < 300 || (operation === 'retire' && response.status === 404))
          return response;
        throw toHttpDriverError(response, operation, agentId);
      },
      {
        signal,
        onRetry: (err, attempt, delayMs) =>
          this.runtime.logger.info(
            { operation, agentId, attempt, delayMs, err },
            'http driver request retried',
          ),
      },
    );
  }
}
