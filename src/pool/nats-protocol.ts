/**
 * Subjects and JSON messages of the NATS command bus, shared by the NATS driver and the agent host.
 *
 * Subjects, with the default root `agents`:
 * - `agents.spawn`: spawn requests (request/reply), served by agent hosts in a queue group;
 * - `agents.<agent_id>.commands`: `retire` and `status` commands to one agent (request/reply);
 * - `agents.<agent_id>.heartbeat`: heartbeats published by the agent's host;
 * - `agents.<agent_id>.status`: state changes (`starting`, `running`, `stopped`).
 */
import { z } from 'zod';

import { DriverError, type DriverFailureReason } from './driver';
import type { AgentState } from './local-agent';

/** Subject root of the framework's agent subjects. */
export const DEFAULT_SUBJECT_ROOT = 'agents';

/** Queue group in which agent hosts serve spawn requests, so each spawn reaches one host. */
export const HOST_QUEUE_GROUP = 'swarm-agent-hosts';

/** The subjects of one subject root. */
export interface AgentSubjects {
  root: string;
  spawn: string;
  commands(agentId: string): string;
  heartbeat(agentId: string): string;
  status(agentId: string): string;
  /** Wildcard matching every agent's heartbeat subject. */
  allHeartbeats: string;
  /** Wildcard matching every agent's status subject. */
  allStatuses: string;
}

/** Builds the subjects under `root`; the spawn subject defaults to `<root>.spawn`. */
export function agentSubjects(root = DEFAULT_SUBJECT_ROOT, spawnSubject?: string): AgentSubjects {
  return {
    root,
    spawn: spawnSubject ?? `${root}.spawn`,
    commands: (agentId) => `${root}.${agentId}.commands`,
    heartbeat: (agentId) => `${root}.${agentId}.heartbeat`,
    status: (agentId) => `${root}.${agentId}.status`,
    allHeartbeats: `${root}.*.heartbeat`,
    allStatuses: `${root}.*.status`,
  };
}

/** True when `agentId` can be one token of a NATS subject (no dots, wildcards or whitespace). */
export function isSubjectToken(agentId: string): boolean {
  return /^[^.*>\s]+$/.test(agentId) && agentId !== 'spawn';
}

const agentSpecSchema = z.object({
  id: z.string(),
  category: z.string(),
  capabilities: z.array(z.string()),
  autoSpawnOn: z.array(z.string()),
  knowledge: z.record(z.string(), z.unknown()),
  spawnWhen: z.unknown().optional(),
});

/** Body of a spawn request: the `SpawnRequest` itself. */
export const spawnMessageSchema = z.object({
  agentId: z.string().min(1),
  role: z.string(),
  category: z.string(),
  spec: agentSpecSchema,
  idempotencyKey: z.string().min(1),
});

/** Body of a command on `<root>.<agent_id>.commands`. */
export const commandMessageSchema = z.object({
  command: z.enum(['retire', 'status']),
  agentId: z.string(),
});
export type CommandMessage = z.infer<typeof commandMessageSchema>;

const reasons = ['timeout', 'rejected', 'unreachable', 'exit_status', 'invalid_response'] as const;

/** Reply to a spawn or a command. */
export const replySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    agentId: z.string(),
    state: z.enum(['starting', 'running', 'stopped']),
    host: z.string(),
  }),
  z.object({
    ok: z.literal(false),
    agentId: z.string(),
    error: z.string(),
    reason: z.enum(reasons),
    retryable: z.boolean(),
  }),
]);
export type Reply = z.infer<typeof replySchema>;

/** A heartbeat or a status change, as published by an agent host. */
export const agentEventSchema = z.object({
  agentId: z.string(),
  /** Milliseconds since the epoch. */
  at: z.number(),
  state: z.enum(['starting', 'running', 'stopped']),
  host: z.string(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** Builds a successful reply. */
export function okReply(agentId: string, state: AgentState, host: string): Reply {
  return { ok: true, agentId, state, host };
}

/** Builds a failure reply from an error message and a reason. */
export function errorReply(
  agentId: string,
  error: string,
  reason: DriverFailureReason,
  retryable: boolean,
): Reply {
  return { ok: false, agentId, error, reason, retryable };
}

const encoder = new TextEncoder();

/** Encodes a message as UTF-8 JSON. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Turns a failure reply into the `DriverError` it describes. */
export function replyToError(reply: Extract<Reply, { ok: false }>, subject: string): DriverError {
  return new DriverError(`${subject}: ${reply.error}`, reply.reason, reply.retryable);
}
