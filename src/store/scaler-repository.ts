/**
 * The scaler's tables: swarm controls, notifications, alert instances, agents, rule clocks, the
 * decision log and pool transitions. Every write that belongs to a decision runs inside the
 * caller's transaction, after lockStatement has locked the swarm row. The decision's own writes
 * are in decision-writes.ts.
 */
import type { AlertKind, ScalingDirection } from '../catalog/alert-contract';
import type {
  AgentOrigin,
  AgentState,
  AlertInstance,
  PoolAgent,
  RoleSlot,
  RuleClocks,
} from '../scaler/types';
import type { Queryable, QueryResult, Statement } from './database';
import { fromJson, fromTimestamp, insertRows, toTimestamp } from './rows';

/** The swarm row: operator controls and freeze state. */
export interface SwarmRow {
  version: number;
  paused: boolean;
  dryRun: boolean;
  targetPin: number | null;
  frozen: boolean;
  lastWatchdogAt?: number;
}

/** A notification to store: one alert of a webhook payload or of Alertmanager's API. */
export interface NotificationRow {
  fingerprint: string;
  startsAt: number;
  status: 'firing' | 'resolved';
  endsAt?: number;
  rule: string;
  kind: string;
  direction: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  source: 'webhook' | 'api';
  receivedAt: number;
}

/** A decision log entry. */
export interface DecisionRow {
  at: number;
  rule: string;
  action: string;
  outcome: string;
  reason?: string;
  agentId?: string;
  role?: string;
  category?: string;
  fingerprint?: string;
  startsAt?: number;
  dueAt?: number;
  detail?: Record<string, unknown>;
}

/** A decision as read back, with its id for paging. */
export interface StoredDecision extends DecisionRow {
  id: number;
  replica: string;
}

/** An agent row to insert. */
export interface NewAgentRow {
  agentId: string;
  role: string;
  category: string;
  origin: AgentOrigin;
  rule?: string;
  fingerprint?: string;
  startsAt?: number;
  idempotencyKey: string;
  spawnedAt: number;
}

const OCCUPYING = "('spawning', 'running', 'retiring', 'failed')";

/** Creates the swarm row if missing. */
export async function ensureSwarm(db: Queryable, swarm: string): Promise<void> {
  await db.query('INSERT INTO swarm_state (swarm) VALUES ($1) ON CONFLICT (swarm) DO NOTHING', [
    swarm,
  ]);
}

/** Reads the swarm row without locking it. */
export async function readSwarm(db: Queryable, swarm: string): Promise<SwarmRow | undefined> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM swarm_state WHERE swarm = $1',
    [swarm],
  );
  return result.rows[0] ? toSwarmRow(result.rows[0]) : undefined;
}

function toSwarmRow(row: Record<string, unknown>): SwarmRow {
  return {
    version: Number(row.version),
    paused: Boolean(row.paused),
    dryRun: Boolean(row.dry_run),
    targetPin:
      row.target_pin === null || row.target_pin === undefined ? null : Number(row.target_pin),
    frozen: Boolean(row.frozen),
    lastWatchdogAt: fromTimestamp(row.last_watchdog_at),
  };
}

/** Marks firing instances of the given keys resolved at `at` (used when Alertmanager no longer lists them). */
export async function resolveInstances(
  tx: Queryable,
  swarm: string,
  keys: { fingerprint: string; startsAt: number }[],
  at: number,
): Promise<void> {
  for (const key of keys) {
    await tx.query(
      `UPDATE alert_instances SET status = 'resolved', resolved_at = $4
       WHERE swarm = $1 AND fingerprint = $2 AND starts_at = $3 AND status = 'firing'`,
      [swarm, key.fingerprint, toTimestamp(key.startsAt), toTimestamp(at)],
    );
  }
}

/** Everything the policy reads, in one round trip. */
export interface DecisionState {
  pool: PoolAgent[];
  alerts: AlertInstance[];
  clocks: RuleClocks;
}

/** Reads the pool, the open alert instances and the rule clocks in one statement. */
export async function loadDecisionState(db: Queryable, swarm: string): Promise<DecisionState> {
  const statement = loadStateStatement(swarm);
  return parseDecisionState(await db.query(statement.text, statement.params));
}

/** Locks the swarm row and returns it; see lockSwarm. */
export function lockStatement(swarm: string): Statement {
  return { text: 'SELECT * FROM swarm_state WHERE swarm = $1::text FOR UPDATE', params: [swarm] };
}

/** Reads the swarm row from the result of lockStatement. */
export function parseSwarmRow(
  result: QueryResult<Record<string, unknown>>,
  swarm: string,
): SwarmRow {
  const row = result.rows[0];
  if (!row) throw new Error(`swarm "${swarm}" has no swarm_state row: call ensureSwarm first`);
  return toSwarmRow(row);
}

/** Builds the statement behind loadDecisionState, for a batch. */
export function loadStateStatement(swarm: string): Statement {
  return {
    text: `SELECT
       (SELECT json_agg(a ORDER BY a.spawned_at, a.agent_id) FROM agents a WHERE a.swarm = $1 AND a.state IN ${OCCUPYING}) AS pool,
       (SELECT json_agg(i) FROM alert_instances i WHERE i.swarm = $1 AND i.completed_at IS NULL) AS alerts,
       (SELECT json_agg(c) FROM rule_clocks c WHERE c.swarm = $1) AS clocks`.replace(
      /\$1/g,
      '$1::text',
    ),
    params: [swarm],
  };
}

/** Reads the result of loadStateStatement. */
export function parseDecisionState(result: QueryResult<Record<string, unknown>>): DecisionState {
  const row = result.rows[0] as
    | {
        pool: Record<string, unknown>[] | null;
        alerts: Record<string, unknown>[] | null;
        clocks: Record<string, unknown>[] | null;
      }
    | undefined;
  const clocks: RuleClocks = {};
  for (const clock of row?.clocks ?? [])
    clocks[`${clock.rule}|${clock.direction}`] = fromTimestamp(clock.last_action_at) ?? 0;
  return {
    pool: (row?.pool ?? []).map(toPoolAgent),
    alerts: (row?.alerts ?? []).map(toAlertInstance),
    clocks,
  };
}

/** Reads alert instances not yet completed. */
export async function loadOpenAlerts(db: Queryable, swarm: string): Promise<AlertInstance[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM alert_instances WHERE swarm = $1 AND completed_at IS NULL',
    [swarm],
  );
  return result.rows.map(toAlertInstance);
}

function toAlertInstance(row: Record<string, unknown>): AlertInstance {
  return {
    fingerprint: String(row.fingerprint),
    startsAt: fromTimestamp(row.starts_at) ?? 0,
    rule: String(row.rule),
    kind: row.kind as AlertKind,
    direction: row.direction as ScalingDirection,
    labels: fromJson(row.labels, {}),
    annotations: fromJson(row.annotations, {}),
    status: row.status as 'firing' | 'resolved',
    resolvedAt: fromTimestamp(row.resolved_at),
    actedAt: fromTimestamp(row.acted_at),
    granted: fromJson<RoleSlot[]>(row.granted, []),
    lastSkip:
      row.last_skip === null || row.last_skip === undefined ? undefined : String(row.last_skip),
  };
}

/** A bookkeeping change to one alert instance. */
export interface InstanceChange {
  fingerprint: string;
  startsAt: number;
  actedAt?: number;
  granted?: RoleSlot[];
  completedAt?: number;
  lastSkip?: string | null;
}

/** Reads agents that occupy a slot. */
export async function loadPool(db: Queryable, swarm: string): Promise<PoolAgent[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT * FROM agents WHERE swarm = $1 AND state IN ${OCCUPYING} ORDER BY spawned_at, agent_id`,
    [swarm],
  );
  return result.rows.map(toPoolAgent);
}

/** Reads one agent row with its idempotency key. */
export async function loadAgentsByState(
  db: Queryable,
  swarm: string,
  states: AgentState[],
): Promise<(PoolAgent & { idempotencyKey: string })[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM agents WHERE swarm = $1 AND state = ANY($2::text[]) ORDER BY spawned_at, agent_id',
    [swarm, states],
  );
  return result.rows.map((row) => ({
    ...toPoolAgent(row),
    idempotencyKey: String(row.idempotency_key),
  }));
}

function toPoolAgent(row: Record<string, unknown>): PoolAgent {
  const fingerprint =
    row.fingerprint === null || row.fingerprint === undefined ? undefined : String(row.fingerprint);
  const startsAt = fromTimestamp(row.starts_at);
  return {
    agentId: String(row.agent_id),
    role: String(row.role),
    category: String(row.category),
    state: row.state as AgentState,
    origin: row.origin as AgentOrigin,
    rule: row.rule === null || row.rule === undefined ? undefined : String(row.rule),
    instanceKey:
      fingerprint && startsAt !== undefined
        ? `${fingerprint}@${new Date(startsAt).toISOString()}`
        : undefined,
    spawnedAt: fromTimestamp(row.spawned_at) ?? 0,
    lastHeartbeatAt: fromTimestamp(row.last_heartbeat_at),
    failureReason:
      row.state === 'failed' && row.failure_reason != null ? String(row.failure_reason) : undefined,
  };
}

/** Moves an agent between states; returns false when it was not in `from`. */
export async function moveAgent(
  db: Queryable,
  agentId: string,
  from: AgentState[],
  to: AgentState,
  at: number,
): Promise<boolean> {
  const retiredAt = to === 'retired' || to === 'lost' ? toTimestamp(at) : null;
  const result = await db.query(
    `UPDATE agents SET state = $3, retired_at = COALESCE($4, retired_at) WHERE agent_id = $1 AND state = ANY($2::text[])`,
    [agentId, from, to, retiredAt],
  );
  return result.rowCount > 0;
}

/**
 * Marks a spawning agent `failed` with the driver's reason; returns false when it was no longer
 * spawning (a decision retired it meanwhile). The agent keeps its slot, see OCCUPYING_STATES.
 */
export async function markSpawnFailed(
  db: Queryable,
  agentId: string,
  reason: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE agents SET state = 'failed', failure_reason = $2 WHERE agent_id = $1 AND state = 'spawning'`,
    [agentId, reason],
  );
  return result.rowCount > 0;
}

/**
 * Moves a failed agent back to `spawning` for another attempt, restarting its heartbeat clock at
 * `at`; returns false when another replica or a decision moved it first.
 */
export async function claimFailedAgent(
  db: Queryable,
  agentId: string,
  at: number,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE agents SET state = 'spawning', spawned_at = $2 WHERE agent_id = $1 AND state = 'failed'`,
    [agentId, toTimestamp(at)],
  );
  return result.rowCount > 0;
}

/** Stores the latest heartbeat per agent, never moving a heartbeat back in time. */
export async function recordHeartbeats(db: Queryable, beats: Map<string, number>): Promise<void> {
  if (beats.size === 0) return;
  const ids = [...beats.keys()];
  const times = ids.map((id) => toTimestamp(beats.get(id)));
  await db.query(
    `UPDATE agents SET last_heartbeat_at = GREATEST(COALESCE(agents.last_heartbeat_at, beat.at), beat.at)
     FROM unnest($1::text[], $2::timestamptz[]) AS beat(id, at) WHERE agents.agent_id = beat.id`,
    [ids, times],
  );
}

/** Reads the rule clocks. */
export async function loadClocks(db: Queryable, swarm: string): Promise<RuleClocks> {
  const result = await db.query<{ rule: string; direction: string; last_action_at: unknown }>(
    'SELECT rule, direction, last_action_at FROM rule_clocks WHERE swarm = $1',
    [swarm],
  );
  const clocks: RuleClocks = {};
  for (const row of result.rows)
    clocks[`${row.rule}|${row.direction}`] = fromTimestamp(row.last_action_at) ?? 0;
  return clocks;
}

/** Appends entries to the decision log. */
export async function appendDecisions(
  db: Queryable,
  swarm: string,
  replica: string,
  rows: DecisionRow[],
): Promise<void> {
  await insertRows(
    db,
    'decisions',
    [
      'swarm',
      'at',
      'rule',
      'action',
      'outcome',
      'reason',
      'agent_id',
      'role',
      'category',
      'fingerprint',
      'starts_at',
      'due_at',
      'replica',
      'detail',
    ],
    rows.map((row) => [
      swarm,
      toTimestamp(row.at),
      row.rule,
      row.action,
      row.outcome,
      row.reason ?? null,
      row.agentId ?? null,
      row.role ?? null,
      row.category ?? null,
      row.fingerprint ?? null,
      toTimestamp(row.startsAt),
      toTimestamp(row.dueAt),
      replica,
      JSON.stringify(row.detail ?? {}),
    ]),
  );
}

/** Reads the decision log newest first; `cursor` is the id below which to continue. */
export async function listDecisions(
  db: Queryable,
  swarm: string,
  query: { rule?: string; limit: number; cursor?: number },
): Promise<StoredDecision[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT * FROM decisions WHERE swarm = $1 AND ($2::text IS NULL OR rule = $2) AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [swarm, query.rule ?? null, query.cursor ?? null, query.limit],
  );
  return result.rows.map((row) => ({
    id: Number(row.id),
    at: fromTimestamp(row.at) ?? 0,
    rule: String(row.rule),
    action: String(row.action),
    outcome: String(row.outcome),
    reason: row.reason === null ? undefined : String(row.reason),
    agentId: row.agent_id === null ? undefined : String(row.agent_id),
    role: row.role === null ? undefined : String(row.role),
    category: row.category === null ? undefined : String(row.category),
    fingerprint: row.fingerprint === null ? undefined : String(row.fingerprint),
    startsAt: fromTimestamp(row.starts_at),
    dueAt: fromTimestamp(row.due_at),
    replica: String(row.replica),
    detail: fromJson(row.detail, {}),
  }));
}

/** Records agent state changes with the number of occupied slots right after each. */
export async function recordTransitions(
  db: Queryable,
  swarm: string,
  at: number,
  rows: { agentId: string; from: AgentState | null; to: AgentState; poolSize: number }[],
): Promise<void> {
  await insertRows(
    db,
    'pool_transitions',
    ['swarm', 'at', 'agent_id', 'from_state', 'to_state', 'pool_size'],
    rows.map((row) => [swarm, toTimestamp(at), row.agentId, row.from, row.to, row.poolSize]),
  );
}

/** Counts occupied slots now. */
export async function countOccupied(db: Queryable, swarm: string): Promise<number> {
  const result = await db.query<{ count: unknown }>(
    `SELECT count(*) AS count FROM agents WHERE swarm = $1 AND state IN ${OCCUPYING}`,
    [swarm],
  );
  return Number(result.rows[0]?.count ?? 0);
}
