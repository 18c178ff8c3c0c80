/**
 * The scaler's tables: swarm controls, notifications, alert instances, agents, rule clocks, the
 * decision log and pool transitions. Every write that belongs to a decision runs inside the
 * caller's transaction, after `lockSwarm`.
 */
import type { AlertKind, ScalingDirection } from '../catalog/alert-contract';
import type { AgentOrigin, AgentState, AlertInstance, PoolAgent, RoleSlot, RuleClocks } from '../scaler/types';
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

const OCCUPYING = "('spawning', 'running', 'retiring')";

/** Creates the swarm row if missing. */
export async function ensureSwarm(db: Queryable, swarm: string): Promise<void> {
  await db.query('INSERT INTO swarm_state (swarm) VALUES ($1) ON CONFLICT (swarm) DO NOTHING', [swarm]);
}

/** Locks the swarm row until the transaction ends; replicas take turns here. */
export async function lockSwarm(tx: Queryable, swarm: string): Promise<SwarmRow> {
  const result = await tx.query<Record<string, unknown>>('SELECT * FROM swarm_state WHERE swarm = $1 FOR UPDATE', [swarm]);
  const row = result.rows[0];
  if (!row) throw new Error(`swarm "${swarm}" has no swarm_state row: call ensureSwarm first`);
  return toSwarmRow(row);
}

/** Reads the swarm row without locking it. */
export async function readSwarm(db: Queryable, swarm: string): Promise<SwarmRow | undefined> {
  const result = await db.query<Record<string, unknown>>('SELECT * FROM swarm_state WHERE swarm = $1', [swarm]);
  return result.rows[0] ? toSwarmRow(result.rows[0]) : undefined;
}

function toSwarmRow(row: Record<string, unknown>): SwarmRow {
  return {
    version: Number(row.version),
    paused: Boolean(row.paused),
    dryRun: Boolean(row.dry_run),
    targetPin: row.target_pin === null || row.target_pin === undefined ? null : Number(row.target_pin),
    frozen: Boolean(row.frozen),
    lastWatchdogAt: fromTimestamp(row.last_watchdog_at),
  };
}

/** Writes the swarm row's controls and freeze state and bumps its version. */
export async function updateSwarm(tx: Queryable, swarm: string, row: Omit<SwarmRow, 'version'>): Promise<void> {
  await tx.query(
    `UPDATE swarm_state SET paused = $2, dry_run = $3, target_pin = $4, frozen = $5, last_watchdog_at = $6,
       version = version + 1, updated_at = now() WHERE swarm = $1`,
    [swarm, row.paused, row.dryRun, row.targetPin, row.frozen, toTimestamp(row.lastWatchdogAt)],
  );
}

/** Stores notifications; returns those not seen before (dedupe on fingerprint, startsAt, status). */
export async function insertNotifications(tx: Queryable, swarm: string, rows: NotificationRow[]): Promise<NotificationRow[]> {
  const inserted = await insertRows<{ fingerprint: string; starts_at: unknown; status: string }>(
    tx,
    'notifications',
    ['swarm', 'fingerprint', 'starts_at', 'status', 'ends_at', 'rule', 'kind', 'direction', 'labels', 'annotations', 'source', 'received_at'],
    rows.map((row) => [
      swarm, row.fingerprint, toTimestamp(row.startsAt), row.status, toTimestamp(row.endsAt), row.rule, row.kind,
      row.direction, JSON.stringify(row.labels), JSON.stringify(row.annotations), row.source, toTimestamp(row.receivedAt),
    ]),
    'ON CONFLICT (swarm, fingerprint, starts_at, status) DO NOTHING RETURNING fingerprint, starts_at, status',
  );
  const fresh = new Set(inserted.map((row) => `${row.fingerprint}|${fromTimestamp(row.starts_at)}|${row.status}`));
  return rows.filter((row) => fresh.delete(`${row.fingerprint}|${row.startsAt}|${row.status}`));
}

/**
 * Merges new notifications into alert instances in one statement. Resolved is final: a firing
 * notification that arrives after the resolution of the same instance changes nothing, so any
 * order gives one state.
 */
export async function mergeInstances(tx: Queryable, swarm: string, rows: NotificationRow[]): Promise<void> {
  const byKey = new Map<string, NotificationRow>();
  for (const row of rows) {
    const key = `${row.fingerprint}|${row.startsAt}`;
    const seen = byKey.get(key);
    if (!seen || (seen.status === 'firing' && row.status === 'resolved')) byKey.set(key, row);
  }
  await insertRows(
    tx,
    'alert_instances',
    ['swarm', 'fingerprint', 'starts_at', 'rule', 'kind', 'direction', 'labels', 'annotations', 'status', 'resolved_at'],
    [...byKey.values()].map((row) => [
      swarm, row.fingerprint, toTimestamp(row.startsAt), row.rule, row.kind, row.direction, JSON.stringify(row.labels),
      JSON.stringify(row.annotations), row.status, row.status === 'resolved' ? toTimestamp(resolutionTime(row)) : null,
    ]),
    `ON CONFLICT (swarm, fingerprint, starts_at) DO UPDATE SET
       status = CASE WHEN EXCLUDED.status = 'resolved' THEN 'resolved' ELSE alert_instances.status END,
       resolved_at = COALESCE(alert_instances.resolved_at, EXCLUDED.resolved_at)`,
  );
}

/** Alertmanager sets `endsAt` of a resolved alert to when it resolved; a missing or past-zero value falls back to receipt. */
function resolutionTime(row: NotificationRow): number {
  return row.endsAt !== undefined && row.endsAt > 0 ? row.endsAt : row.receivedAt;
}

/** Marks firing instances of the given keys resolved at `at` (used when Alertmanager no longer lists them). */
export async function resolveInstances(tx: Queryable, swarm: string, keys: { fingerprint: string; startsAt: number }[], at: number): Promise<void> {
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
export function parseSwarmRow(result: QueryResult<Record<string, unknown>>, swarm: string): SwarmRow {
  const row = result.rows[0];
  if (!row) throw new Error(`swarm "${swarm}" has no swarm_state row: call ensureSwarm first`);
  return toSwarmRow(row);
}

/** The statement behind loadDecisionState, for a batch. */
export function loadStateStatement(swarm: string): Statement {
  return {
    text: `SELECT
       (SELECT json_agg(a ORDER BY a.spawned_at, a.agent_id) FROM agents a WHERE a.swarm = $1 AND a.state IN ${OCCUPYING}) AS pool,
       (SELECT json_agg(i) FROM alert_instances i WHERE i.swarm = $1 AND i.completed_at IS NULL) AS alerts,
       (SELECT json_agg(c) FROM rule_clocks c WHERE c.swarm = $1) AS clocks`.replace(/\$1/g, '$1::text'),
    params: [swarm],
  };
}

/** Reads the result of loadStateStatement. */
export function parseDecisionState(result: QueryResult<Record<string, unknown>>): DecisionState {
  const row = result.rows[0] as { pool: Record<string, unknown>[] | null; alerts: Record<string, unknown>[] | null; clocks: Record<string, unknown>[] | null } | undefined;
  const clocks: RuleClocks = {};
  for (const clock of row?.clocks ?? []) clocks[`${clock.rule}|${clock.direction}`] = fromTimestamp(clock.last_action_at) ?? 0;
  return { pool: (row?.pool ?? []).map(toPoolAgent), alerts: (row?.alerts ?? []).map(toAlertInstance), clocks };
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
    lastSkip: row.last_skip === null || row.last_skip === undefined ? undefined : String(row.last_skip),
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

/** Applies bookkeeping changes to alert instances in one statement. */
export async function updateInstances(tx: Queryable, swarm: string, changes: InstanceChange[]): Promise<void> {
  if (changes.length === 0) return;
  const records = changes.map((change) => ({
    fingerprint: change.fingerprint,
    starts_at: toTimestamp(change.startsAt),
    acted_at: toTimestamp(change.actedAt),
    granted: change.granted ?? null,
    completed_at: toTimestamp(change.completedAt),
    set_skip: change.lastSkip !== undefined,
    last_skip: change.lastSkip ?? null,
  }));
  await tx.query(
    `UPDATE alert_instances AS ai SET
       acted_at = COALESCE(ai.acted_at, c.acted_at),
       granted = COALESCE(c.granted, ai.granted),
       completed_at = COALESCE(ai.completed_at, c.completed_at),
       last_skip = CASE WHEN c.set_skip THEN c.last_skip ELSE ai.last_skip END
     FROM jsonb_to_recordset($2::jsonb) AS c(fingerprint text, starts_at timestamptz, acted_at timestamptz,
       granted jsonb, completed_at timestamptz, set_skip boolean, last_skip text)
     WHERE ai.swarm = $1 AND ai.fingerprint = c.fingerprint AND ai.starts_at = c.starts_at`,
    [swarm, JSON.stringify(records)],
  );
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
export async function loadAgentsByState(db: Queryable, swarm: string, states: AgentState[]): Promise<(PoolAgent & { idempotencyKey: string })[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM agents WHERE swarm = $1 AND state = ANY($2::text[]) ORDER BY spawned_at, agent_id',
    [swarm, states],
  );
  return result.rows.map((row) => ({ ...toPoolAgent(row), idempotencyKey: String(row.idempotency_key) }));
}

function toPoolAgent(row: Record<string, unknown>): PoolAgent {
  const fingerprint = row.fingerprint === null || row.fingerprint === undefined ? undefined : String(row.fingerprint);
  const startsAt = fromTimestamp(row.starts_at);
  return {
    agentId: String(row.agent_id),
    role: String(row.role),
    category: String(row.category),
    state: row.state as AgentState,
    origin: row.origin as AgentOrigin,
    rule: row.rule === null || row.rule === undefined ? undefined : String(row.rule),
    instanceKey: fingerprint && startsAt !== undefined ? `${fingerprint}@${new Date(startsAt).toISOString()}` : undefined,
    spawnedAt: fromTimestamp(row.spawned_at) ?? 0,
    lastHeartbeatAt: fromTimestamp(row.last_heartbeat_at),
  };
}

/** Inserts agents in state `spawning`. */
export async function insertAgents(tx: Queryable, swarm: string, rows: NewAgentRow[]): Promise<void> {
  await insertRows(
    tx,
    'agents',
    ['agent_id', 'swarm', 'role', 'category', 'state', 'origin', 'rule', 'fingerprint', 'starts_at', 'idempotency_key', 'spawned_at'],
    rows.map((row) => [
      row.agentId, swarm, row.role, row.category, 'spawning', row.origin, row.rule ?? null, row.fingerprint ?? null,
      toTimestamp(row.startsAt), row.idempotencyKey, toTimestamp(row.spawnedAt),
    ]),
  );
}

/** Moves an agent between states; returns false when it was not in `from`. */
export async function moveAgent(db: Queryable, agentId: string, from: AgentState[], to: AgentState, at: number): Promise<boolean> {
  const retiredAt = to === 'retired' || to === 'lost' || to === 'failed' ? toTimestamp(at) : null;
  const result = await db.query(
    `UPDATE agents SET state = $3, retired_at = COALESCE($4, retired_at) WHERE agent_id = $1 AND state = ANY($2::text[])`,
    [agentId, from, to, retiredAt],
  );
  return result.rowCount > 0;
}

/** Moves several agents between states in one statement. */
export async function moveAgents(db: Queryable, agentIds: string[], from: AgentState[], to: AgentState): Promise<void> {
  if (agentIds.length === 0) return;
  await db.query('UPDATE agents SET state = $3 WHERE agent_id = ANY($1::text[]) AND state = ANY($2::text[])', [agentIds, from, to]);
}

/** Hands agents to another alert instance. */
export async function reassignAgent(tx: Queryable, agentId: string, key: { fingerprint: string; startsAt: number }): Promise<void> {
  await tx.query('UPDATE agents SET fingerprint = $2, starts_at = $3 WHERE agent_id = $1', [
    agentId, key.fingerprint, toTimestamp(key.startsAt),
  ]);
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
  for (const row of result.rows) clocks[`${row.rule}|${row.direction}`] = fromTimestamp(row.last_action_at) ?? 0;
  return clocks;
}

/** Moves rule clocks (keys `rule|direction`) to `at`. */
export async function touchClocks(tx: Queryable, swarm: string, keys: string[], at: number): Promise<void> {
  const unique = [...new Set(keys)];
  await insertRows(
    tx,
    'rule_clocks',
    ['swarm', 'rule', 'direction', 'last_action_at'],
    unique.map((key) => {
      const split = key.lastIndexOf('|');
      return [swarm, key.slice(0, split), key.slice(split + 1), toTimestamp(at)];
    }),
    'ON CONFLICT (swarm, rule, direction) DO UPDATE SET last_action_at = EXCLUDED.last_action_at',
  );
}

/** Appends entries to the decision log. */
export async function appendDecisions(db: Queryable, swarm: string, replica: string, rows: DecisionRow[]): Promise<void> {
  await insertRows(
    db,
    'decisions',
    ['swarm', 'at', 'rule', 'action', 'outcome', 'reason', 'agent_id', 'role', 'category', 'fingerprint', 'starts_at', 'due_at', 'replica', 'detail'],
    rows.map((row) => [
      swarm, toTimestamp(row.at), row.rule, row.action, row.outcome, row.reason ?? null, row.agentId ?? null,
      row.role ?? null, row.category ?? null, row.fingerprint ?? null, toTimestamp(row.startsAt), toTimestamp(row.dueAt),
      replica, JSON.stringify(row.detail ?? {}),
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
  const result = await db.query<{ count: unknown }>(`SELECT count(*) AS count FROM agents WHERE swarm = $1 AND state IN ${OCCUPYING}`, [swarm]);
  return Number(result.rows[0]?.count ?? 0);
}
