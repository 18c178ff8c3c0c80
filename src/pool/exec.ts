/**
 * The exec driver: spawns and retires agents by running command templates, such as a swarm CLI's
 * `["ruv-swarm", "spawn", "--type", "{role}", "--id", "{agentId}"]`, without a shell.
 *
 * Exit status 0 is success. A non-zero status fails the operation as `exit_status`, retryable only
 * for the codes in `retryable_exit_codes` (default 75, EX_TEMPFAIL). Liveness comes from an
 * optional `status` template polled per agent: exit 0 counts as a heartbeat. Without it the driver
 * reports no heartbeats and sets `reportsHeartbeats` to false.
 */
import { z } from 'zod';

import {
  agentValues,
  renderTemplate,
  spawnValues,
  unknownPlaceholders,
  type TemplateValues,
} from './command-template';
import { DriverError, type Heartbeat, type PoolDriver, type SpawnRequest } from './driver';
import type { DriverRuntime } from './driver-runtime';
import type { DriverOperation } from './metrics';
import { commandTemplate, durationMs, parseOptions } from './options';
import { runCommand, type CommandResult } from './run-command';

/** `driver.options` of the exec driver. */
export const execOptionsSchema = z
  .strictObject({
    spawn: commandTemplate(),
    retire: commandTemplate(),
    /** Polled per agent; exit 0 means alive. */
    status: commandTemplate().optional(),
    status_interval: durationMs().default(5000),
    cwd: z.string().optional(),
    /** Variables added to the service's environment for each command. */
    env: z.record(z.string(), z.string()).default({}),
    retryable_exit_codes: z.array(z.number().int().min(1).max(255)).default([75]),
    max_output_bytes: z.number().int().positive().default(65536),
    failure_threshold: z.number().int().positive().optional(),
  })
  .superRefine((options, context) => {
    for (const key of ['spawn', 'retire', 'status'] as const) {
      const unknown = unknownPlaceholders(options[key] ?? []);
      if (unknown.length === 0) continue;
      context.addIssue({
        code: 'custom',
        path: [key],
        message: `unknown placeholders ${unknown.join(', ')}: use {agentId}, {role}, {category}, {idempotencyKey}, {capabilities} or {spec}`,
      });
    }
  });

/** Resolved settings of an exec driver. */
export type ExecDriverOptions = z.output<typeof execOptionsSchema>;

/** Reads `driver.options` of the exec driver. */
export function parseExecOptions(options: unknown): ExecDriverOptions {
  return parseOptions('exec', execOptionsSchema, options);
}

/** Drives agents by running commands. */
export class ExecDriver implements PoolDriver {
  readonly kind = 'exec';
  readonly reportsHeartbeats: boolean;
  private readonly agents = new Map<string, SpawnRequest>();
  private readonly pendingSpawns = new Map<string, { request: SpawnRequest; run: Promise<void> }>();
  private pollTimer: NodeJS.Timeout | undefined;
  private isPolling = false;

  constructor(
    private readonly options: ExecDriverOptions,
    private readonly runtime: DriverRuntime,
  ) {
    this.reportsHeartbeats = options.status !== undefined;
  }

  async start(): Promise<void> {
    if (this.options.status) {
      this.pollTimer = setInterval(() => void this.pollStatus(), this.options.status_interval);
      this.pollTimer.unref();
    }
    this.runtime.logger.info(
      { program: this.options.spawn[0], reportsHeartbeats: this.reportsHeartbeats },
      'exec pool driver started',
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  spawn(request: SpawnRequest): Promise<void> {
    return this.runtime.tracker.track('spawn', request.agentId, async (signal) => {
      const known = this.agents.get(request.agentId);
      if (known) return checkSameSpawn(known, request);
      // Concurrent spawns of one agent share one command run instead of starting it twice.
      const pending = this.pendingSpawns.get(request.agentId);
      if (pending) {
        checkSameSpawn(pending.request, request);
        return pending.run;
      }
      const run = this.runSpawn(request, signal).finally(() =>
        this.pendingSpawns.delete(request.agentId),
      );
      this.pendingSpawns.set(request.agentId, { request, run });
      return run;
    });
  }

  private async runSpawn(request: SpawnRequest, signal: AbortSignal): Promise<void> {
    await this.runChecked('spawn', this.options.spawn, spawnValues(request), signal);
    this.agents.set(request.agentId, request);
  }

  retire(agentId: string): Promise<void> {
    return this.runtime.tracker.track('retire', agentId, async (signal) => {
      await this.runChecked(
        'retire',
        this.options.retire,
        agentValues(agentId, this.agents.get(agentId)),
        signal,
      );
      this.agents.delete(agentId);
    });
  }

  onHeartbeat(listener: (heartbeat: Heartbeat) => void): () => void {
    return this.runtime.heartbeats.add(listener);
  }

  isHealthy(): boolean {
    return this.runtime.health.isHealthy();
  }

  /** Runs the status command once for every agent and emits a heartbeat for each that exits 0. */
  async pollStatus(): Promise<void> {
    const template = this.options.status;
    if (!template || this.isPolling) return;
    this.isPolling = true;
    try {
      await Promise.all(
        [...this.agents.values()].map((request) => this.checkAlive(template, request)),
      );
    } finally {
      this.isPolling = false;
    }
  }

  private async checkAlive(template: string[], request: SpawnRequest): Promise<void> {
    try {
      const result = await this.runtime.tracker.track('status', request.agentId, (signal) =>
        this.run('status', template, spawnValues(request), signal),
      );
      if (result.exitCode === 0)
        this.runtime.heartbeats.emit({ agentId: request.agentId, at: Date.now() });
    } catch (err) {
      // A failed poll only means no heartbeat this round; the scaler's heartbeat TTL decides.
      this.runtime.logger.debug({ agentId: request.agentId, err }, 'status command failed');
    }
  }

  private async runChecked(
    operation: DriverOperation,
    template: string[],
    values: TemplateValues,
    signal: AbortSignal,
  ): Promise<void> {
    const result = await this.run(operation, template, values, signal);
    if (result.exitCode === 0) return;
    const status =
      result.exitCode === null
        ? `signal ${String(result.signal)}`
        : `exit status ${result.exitCode}`;
    const isRetryable =
      result.exitCode !== null && this.options.retryable_exit_codes.includes(result.exitCode);
    const stderr = result.stderr.trim().slice(-500);
    throw new DriverError(
      `${operation} command ${template[0]} for agent ${values.agentId} ended with ${status}${stderr ? `: ${stderr}` : ''}`,
      'exit_status',
      isRetryable,
    );
  }

  private async run(
    operation: DriverOperation,
    template: string[],
    values: TemplateValues,
    signal: AbortSignal,
  ): Promise<CommandResult> {
    const { file, args } = renderTemplate(template, values);
    const result = await runCommand(file, args, {
      timeoutMs: this.runtime.tracker.timeoutMs,
      signal,
      cwd: this.options.cwd,
      env: { ...process.env, ...this.options.env },
      maxOutputBytes: this.options.max_output_bytes,
    });
    const status = result.exitCode ?? result.signal ?? 'unknown';
    this.runtime.metrics.execExits.inc({ operation, status: String(status) });
    this.runtime.logger.debug(
      {
        operation,
        agentId: values.agentId,
        exitCode: result.exitCode,
        signal: result.signal,
        durationMs: result.durationMs,
      },
      'exec command finished',
    );
    return result;
  }
}

function checkSameSpawn(known: SpawnRequest, request: SpawnRequest): void {
  if (known.idempotencyKey === request.idempotencyKey) return;
  throw new DriverError(
    `agent id ${request.agentId} is already used by another spawn (idempotency key ${known.idempotencyKey}): choose a new agent id`,
    'rejected',
    false,
  );
}
