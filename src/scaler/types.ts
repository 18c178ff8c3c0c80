/** The scaler's domain: agents in the pool, alert instances, and the plan the policy returns. */
import type { AlertKind, ScalingDirection } from '../catalog/alert-contract';
import type { AgentSpec } from '../config/model';

/**
 * Lifecycle of an agent the scaler started. `spawning`, `running`, `retiring` and `failed` occupy a
 * slot: a failed spawn keeps its slot until it is started again or retired.
 */
export type AgentState = 'spawning' | 'running' | 'retiring' | 'retired' | 'lost' | 'failed';

/** Why an agent is in the pool: the base composition, an alert instance, or an operator's pin. */
export type AgentOrigin = 'base' | 'alert' | 'manual';

/** States that count against `max_agents` and category capacity. */
export const OCCUPYING_STATES: readonly AgentState[] = [
  'spawning',
  'running',
  'retiring',
  'failed',
];

/** An agent as the policy reads it. Times are milliseconds since the epoch. */
export interface PoolAgent {
  agentId: string;
  role: string;
  category: string;
  state: AgentState;
  origin: AgentOrigin;
  /** Config key of the rule or trigger that spawned it; absent on base and manual agents. */
  rule?: string;
  /** Key of the alert instance that spawned it (see instanceKey). */
  instanceKey?: string;
  spawnedAt: number;
  lastHeartbeatAt?: number;
  /** Driver's reason for the last failed spawn, set while the agent is `failed`. */
  failureReason?: string;
}

/** A role with its category and spec, as the pool runs it. */
export interface RoleSlot {
  role: string;
  category: string;
  spec: AgentSpec;
}

/** One alert instance (fingerprint + startsAt), merged from every notification about it. */
export interface AlertInstance {
  fingerprint: string;
  startsAt: number;
  rule: string;
  kind: AlertKind;
  direction: ScalingDirection;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: 'firing' | 'resolved';
  resolvedAt?: number;
  /** Time the instance acted. The policy acts only on instances without it, so each acts once. */
  actedAt?: number;
  /** Roles granted when it acted. */
  granted: RoleSlot[];
  /** Last skip reason recorded for it, so that a repeated skip is logged once. */
  lastSkip?: string;
}

/** Stable key of an alert instance. */
export function instanceKey(instance: { fingerprint: string; startsAt: number }): string {
  return `${instance.fingerprint}@${new Date(instance.startsAt).toISOString()}`;
}

/** Reason a step was not taken. */
export type SkipReason =
  | 'cooldown'
  | 'stabilization'
  | 'at_max'
  | 'at_min'
  | 'category_full'
  | 'frozen'
  | 'paused'
  | 'pinned'
  | 'no_roles'
  | 'driver_down';

/** Operator controls and the freeze, as of the decision. */
export interface Controls {
  paused: boolean;
  /** Desired pool size pinned by an operator; null lets alerts drive the pool. */
  targetPin: number | null;
  /** True while scale-down is frozen because the alert pipeline may be blind. */
  frozen: boolean;
  /** True while the pool driver reports itself down, so spawns are skipped. Absent means false. */
  driverDown?: boolean;
}

/** Last scale action per rule, in milliseconds since the epoch. */
export type RuleClocks = Record<string, number>;

/** Input of the policy. */
export interface PolicyInput {
  now: number;
  /** Agents that occupy a slot (OCCUPYING_STATES). */
  pool: PoolAgent[];
  /** Alert instances not yet completed, in any order. */
  alerts: AlertInstance[];
  clocks: RuleClocks;
  controls: Controls;
}

/** Cause of a planned spawn. */
export type SpawnCause = 'base' | 'alert' | 'respawn' | 'pin';

/** An agent to start. */
export interface SpawnStep extends RoleSlot {
  origin: AgentOrigin;
  cause: SpawnCause;
  rule: string;
  instanceKey?: string;
}

/** Cause of a retirement. */
export type RetireCause = 'resolved' | 'scale_down' | 'surplus' | 'pin';

/** An agent to stop. */
export interface RetireStep {
  agentId: string;
  role: string;
  category: string;
  rule: string;
  cause: RetireCause;
  instanceKey?: string;
}

/** A step not taken, with its reason; `dueAt` is set when the step is deferred to a known time. */
export interface SkippedStep {
  rule: string;
  reason: SkipReason;
  instanceKey?: string;
  role?: string;
  dueAt?: number;
}

/** A change to an alert instance's bookkeeping. */
export interface InstanceUpdate {
  key: string;
  actedAt?: number;
  granted?: RoleSlot[];
  completed?: boolean;
  lastSkip?: string;
}

/** The policy's output. */
export interface Plan {
  spawn: SpawnStep[];
  retire: RetireStep[];
  skipped: SkippedStep[];
  instances: InstanceUpdate[];
  /** Rules whose clock moves to `now`. */
  clockRules: string[];
  /** Agents handed from a resolved instance to a new firing one of the same rule. */
  adopt: { agentId: string; instanceKey: string }[];
  /** Pool size the plan converges on. */
  desired: number;
  /** Earliest time a deferred step becomes due, if any. */
  nextDueAt?: number;
}
