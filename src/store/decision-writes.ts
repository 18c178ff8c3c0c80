/**
 * The statements on the decision path: storing notifications (before or under the swarm lock),
 * merging them into alert instances, writing everything a decision changed, and recording driver
 * results. Data-modifying CTEs keep each to one round trip whatever the number of rows, and so
 * keep the time the swarm row stays locked short.
 */
import type { AgentState } from '../scaler/types';
import type { Database, Queryable, QueryResult, Statement } from './database';
import { fromTimestamp, toTimestamp } from './rows';
import type {
  DecisionRow,
  InstanceChange,
  NewAgentRow,
  NotificationRow,
  SwarmRow,
} from './scaler-repository';

/** Everything one decision writes. */
export interface DecisionWrite {
  at: number;
  agents: NewAgentRow[];
  retiring: string[];
  adopt: { agentId: string; fingerprint: string; startsAt: number }[];
  instances: InstanceChange[];
  /** Clock keys `rule|direction` that move to `at`. */
  clocks: string[];
  transitions: { agentId: string; from: AgentState | null; to: AgentState; poolSize: number }[];
  decisions: DecisionRow[];
  swarm: Omit<SwarmRow, 'version'>;
}

/** Stores notifications and merges the new ones into alert instances; returns the new ones. */
export async function storeNotifications(
  tx: Queryable,
  swarm: string,
  rows: NotificationRow[],
): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  const insert = insertNotificationsStatement(swarm, rows);
  const fresh = freshNotifications(await tx.query(insert.text, insert.params), rows);
  const merge = mergeInstancesStatement(swarm, fresh);
  await tx.query(merge.text, merge.params);
  return fresh;
}

/**
 * Builds the insert of notifications, which skips those seen before. Read its result with
 * freshNotifications. Rows go in sorted by key (the statement keeps the array order with WITH
 * ORDINALITY), so two transactions wait on shared keys in the same order. It locks no alert
 * instance, so it may run before the swarm lock.
 */
export function insertNotificationsStatement(swarm: string, rows: NotificationRow[]): Statement {
  const records = [...rows]
    .sort(
      (a, b) =>
        a.fingerprint.localeCompare(b.fingerprint) ||
        a.startsAt - b.startsAt ||
        a.status.localeCompare(b.status),
    )
    .map((row) => ({
      fingerprint: row.fingerprint,
      starts_at: toTimestamp(row.startsAt),
      status: row.status,
      ends_at: toTimestamp(row.endsAt),
      rule: row.rule,
      kind: row.kind,
      direction: row.direction,
      labels: row.labels,
      annotations: row.annotations,
      source: row.source,
      received_at: toTimestamp(row.receivedAt),
    }));
  return {
    text: `INSERT INTO notifications (swarm, fingerprint, starts_at, status, ends_at, rule, kind, direction, labels, annotations, source, received_at)
       SELECT $1::text, n.fingerprint, n.starts_at, n.status, n.ends_at, n.rule, n.kind, n.direction, n.labels, n.annotations, n.source, n.received_at
       FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (fingerprint text, starts_at timestamptz, status text,
         ends_at timestamptz, rule text, kind text, direction text, labels jsonb, annotations jsonb, source text,
         received_at timestamptz)) WITH ORDINALITY AS n(fingerprint, starts_at, status, ends_at, rule, kind, direction, labels, annotations, source, received_at, position)
       ORDER BY n.position
       ON CONFLICT (swarm, fingerprint, starts_at, status) DO NOTHING
       RETURNING fingerprint, starts_at, status`,
    params: [swarm, JSON.stringify(records)],
  };
}

/**
 * Builds one statement that inserts notifications and merges the new ones into alert instances,
 * for a caller that already holds the swarm lock. Read its result with freshNotifications.
 */
export function insertAndMergeStatement(swarm: string, rows: NotificationRow[]): Statement {
  const insert = insertNotificationsStatement(swarm, rows);
  return {
    text: `WITH fresh AS (
       ${insert.text.replace('RETURNING fingerprint, starts_at, status', 'RETURNING fingerprint, starts_at, status, ends_at, rule, kind, direction, labels, annotations, received_at')}),
     merged AS (
       INSERT INTO alert_instances (swarm, fingerprint, starts_at, rule, kind, direction, labels, annotations, status, resolved_at)
       SELECT DISTINCT ON (fingerprint, starts_at) $1::text, fingerprint, starts_at, rule, kind, direction, labels, annotations, status,
         CASE WHEN status = 'resolved' THEN COALESCE(CASE WHEN ends_at > 'epoch' THEN ends_at END, received_at) END
       FROM fresh ORDER BY fingerprint, starts_at, (status = 'resolved') DESC
       ON CONFLICT (swarm, fingerprint, starts_at) DO UPDATE SET
         status = CASE WHEN EXCLUDED.status = 'resolved' THEN 'resolved' ELSE alert_instances.status END,
         resolved_at = COALESCE(alert_instances.resolved_at, EXCLUDED.resolved_at)
       RETURNING 1)
     SELECT fingerprint, starts_at, status FROM fresh`,
    params: insert.params,
  };
}

/**
 * Merges new notifications into alert instances; run it after taking the swarm lock. Of several
 * notifications about one instance the resolved one wins, and an existing resolved instance stays
 * resolved, so any order of arrival gives one state.
 */
export function mergeInstancesStatement(swarm: string, fresh: NotificationRow[]): Statement {
  const records = fresh.map((row) => ({
    fingerprint: row.fingerprint,
    starts_at: toTimestamp(row.startsAt),
    status: row.status,
    ends_at: toTimestamp(row.endsAt),
    rule: row.rule,
    kind: row.kind,
    direction: row.direction,
    labels: row.labels,
    annotations: row.annotations,
    received_at: toTimestamp(row.receivedAt),
  }));
  return {
    text: `INSERT INTO alert_instances (swarm, fingerprint, starts_at, rule, kind, direction, labels, annotations, status, resolved_at)
       SELECT DISTINCT ON (fingerprint, starts_at) $1::text, fingerprint, starts_at, rule, kind, direction, labels, annotations, status,
         CASE WHEN status = 'resolved' THEN COALESCE(CASE WHEN ends_at > 'epoch' THEN ends_at END, received_at) END
       FROM jsonb_to_recordset($2::jsonb) AS n(fingerprint text, starts_at timestamptz, status text, ends_at timestamptz,
         rule text, kind text, direction text, labels jsonb, annotations jsonb, received_at timestamptz)
       ORDER BY fingerprint, starts_at, (status = 'resolved') DESC
       ON CONFLICT (swarm, fingerprint, starts_at) DO UPDATE SET
         status = CASE WHEN EXCLUDED.status = 'resolved' THEN 'resolved' ELSE alert_instances.status END,
         resolved_at = COALESCE(alert_instances.resolved_at, EXCLUDED.resolved_at)`,
    params: [swarm, JSON.stringify(records)],
  };
}

/** Returns the notifications of `rows` that the store had not seen, from insertNotificationsStatement's result. */
export function freshNotifications(
  result: QueryResult<Record<string, unknown>>,
  rows: NotificationRow[],
): NotificationRow[] {
  const fresh = new Set(
    result.rows.map(
      (row) => `${String(row.fingerprint)}|${fromTimestamp(row.starts_at)}|${String(row.status)}`,
    ),
  );
  return rows.filter((row) => fresh.delete(`${row.fingerprint}|${row.startsAt}|${row.status}`));
}

/** Builds the statement that writes a decision: agents, retirements, hand-overs, instances, clocks, transitions, log and swarm row. */
export function writeDecisionStatement(
  swarm: string,
  replica: string,
  write: DecisionWrite,
): Statement {
  const at = toTimestamp(write.at);
  const json = (value: unknown) => JSON.stringify(value);
  return {
    text: `WITH
     new_agents AS (
       INSERT INTO agents (agent_id, swarm, role, category, state, origin, rule, fingerprint, starts_at, idempotency_key, spawned_at)
       SELECT a.agent_id, $1::text, a.role, a.category, 'spawning', a.origin, a.rule, a.fingerprint, a.starts_at, a.idempotency_key, a.spawned_at
       FROM jsonb_to_recordset($2::jsonb) AS a(agent_id text, role text, category text, origin text, rule text,
         fingerprint text, starts_at timestamptz, idempotency_key text, spawned_at timestamptz)
       RETURNING 1),
     retiring AS (
       UPDATE agents SET state = 'retiring' WHERE agent_id = ANY($3::text[]) AND state IN ('spawning', 'running', 'failed') RETURNING 1),
     adopted AS (
       UPDATE agents AS ag SET fingerprint = h.fingerprint, starts_at = h.starts_at
       FROM jsonb_to_recordset($4::jsonb) AS h(agent_id text, fingerprint text, starts_at timestamptz)
       WHERE ag.agent_id = h.agent_id RETURNING 1),
     instances AS (
       UPDATE alert_instances AS ai SET
         acted_at = COALESCE(ai.acted_at, c.acted_at),
         granted = COALESCE(c.granted, ai.granted),
         completed_at = COALESCE(ai.completed_at, c.completed_at),
         last_skip = CASE WHEN c.set_skip THEN c.last_skip ELSE ai.last_skip END
       FROM jsonb_to_recordset($5::jsonb) AS c(fingerprint text, starts_at timestamptz, acted_at timestamptz,
         granted jsonb, completed_at timestamptz, set_skip boolean, last_skip text)
       WHERE ai.swarm = $1::text AND ai.fingerprint = c.fingerprint AND ai.starts_at = c.starts_at RETURNING 1),
     clocks AS (
       INSERT INTO rule_clocks (swarm, rule, direction, last_action_at)
       SELECT $1::text, k.rule, k.direction, $6::timestamptz FROM jsonb_to_recordset($7::jsonb) AS k(rule text, direction text)
       ON CONFLICT (swarm, rule, direction) DO UPDATE SET last_action_at = EXCLUDED.last_action_at RETURNING 1),
     transitions AS (
       INSERT INTO pool_transitions (swarm, at, agent_id, from_state, to_state, pool_size)
       SELECT $1::text, $6::timestamptz, t.agent_id, t.from_state, t.to_state, t.pool_size
       FROM ROWS FROM (jsonb_to_recordset($8::jsonb) AS (agent_id text, from_state text, to_state text, pool_size integer))
         WITH ORDINALITY AS t(agent_id, from_state, to_state, pool_size, position)
       ORDER BY t.position RETURNING 1),
     logged AS (
       INSERT INTO decisions (swarm, at, rule, action, outcome, reason, agent_id, role, category, fingerprint, starts_at, due_at, replica, detail)
       SELECT $1::text, d.at, d.rule, d.action, d.outcome, d.reason, d.agent_id, d.role, d.category, d.fingerprint, d.starts_at,
         d.due_at, $9::text, COALESCE(d.detail, '{}'::jsonb)
       FROM ROWS FROM (jsonb_to_recordset($10::jsonb) AS (at timestamptz, rule text, action text, outcome text, reason text,
         agent_id text, role text, category text, fingerprint text, starts_at timestamptz, due_at timestamptz, detail jsonb))
         WITH ORDINALITY AS d(at, rule, action, outcome, reason, agent_id, role, category, fingerprint, starts_at, due_at, detail, position)
       ORDER BY d.position RETURNING 1)
     UPDATE swarm_state SET paused = $11::boolean, dry_run = $12::boolean, target_pin = $13::integer, frozen = $14::boolean,
       last_watchdog_at = $15::timestamptz,
       version = version + 1, updated_at = now() WHERE swarm = $1::text`,
    params: [
      swarm,
      json(
        write.agents.map((a) => ({
          agent_id: a.agentId,
          role: a.role,
          category: a.category,
          origin: a.origin,
          rule: a.rule ?? null,
          fingerprint: a.fingerprint ?? null,
          starts_at: toTimestamp(a.startsAt),
          idempotency_key: a.idempotencyKey,
          spawned_at: toTimestamp(a.spawnedAt),
        })),
      ),
      write.retiring,
      json(
        write.adopt.map((h) => ({
          agent_id: h.agentId,
          fingerprint: h.fingerprint,
          starts_at: toTimestamp(h.startsAt),
        })),
      ),
      json(
        write.instances.map((c) => ({
          fingerprint: c.fingerprint,
          starts_at: toTimestamp(c.startsAt),
          acted_at: toTimestamp(c.actedAt),
          granted: c.granted ?? null,
          completed_at: toTimestamp(c.completedAt),
          set_skip: c.lastSkip !== undefined,
          last_skip: c.lastSkip ?? null,
        })),
      ),
      at,
      json(
        [...new Set(write.clocks)].map((key) => ({
          rule: key.slice(0, key.lastIndexOf('|')),
          direction: key.slice(key.lastIndexOf('|') + 1),
        })),
      ),
      json(
        write.transitions.map((t) => ({
          agent_id: t.agentId,
          from_state: t.from,
          to_state: t.to,
          pool_size: t.poolSize,
        })),
      ),
      replica,
      json(
        write.decisions.map((d) => ({
          at: toTimestamp(d.at),
          rule: d.rule,
          action: d.action,
          outcome: d.outcome,
          reason: d.reason ?? null,
          agent_id: d.agentId ?? null,
          role: d.role ?? null,
          category: d.category ?? null,
          fingerprint: d.fingerprint ?? null,
          starts_at: toTimestamp(d.startsAt),
          due_at: toTimestamp(d.dueAt),
          detail: d.detail ?? {},
        })),
      ),
      write.swarm.paused,
      write.swarm.dryRun,
      write.swarm.targetPin,
      write.swarm.frozen,
      toTimestamp(write.swarm.lastWatchdogAt),
    ],
  };
}

/**
 * Records driver results without waiting for the WAL flush (`synchronous_commit = off`). A result
 * lost in a crash leaves the agent `spawning` or `retiring`, and the restart repeats the call with
 * the same idempotency key, so the decision path keeps the flush to itself.
 */
export async function recordDriverResults(
  db: Database,
  swarm: string,
  at: number,
  moves: { agentId: string; from: AgentState; to: AgentState }[],
): Promise<void> {
  if (moves.length === 0) return;
  await db.transaction((tx) =>
    tx.batch(
      [{ text: 'SET LOCAL synchronous_commit = off' }, driverResultsStatement(swarm, at, moves)],
      { commit: true },
    ),
  );
}

function driverResultsStatement(
  swarm: string,
  at: number,
  moves: { agentId: string; from: AgentState; to: AgentState }[],
): Statement {
  return {
    text: `WITH moves AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS m(agent_id text, from_state text, to_state text)),
     moved AS (
       UPDATE agents AS ag SET state = m.to_state,
         retired_at = CASE WHEN m.to_state IN ('retired', 'lost') THEN $3::timestamptz ELSE ag.retired_at END
       FROM moves m WHERE ag.agent_id = m.agent_id AND ag.state = m.from_state
       RETURNING ag.agent_id, m.from_state, m.to_state)
     INSERT INTO pool_transitions (swarm, at, agent_id, from_state, to_state, pool_size)
     SELECT $1::text, $3::timestamptz, moved.agent_id, moved.from_state, moved.to_state,
       (SELECT count(*) FROM agents WHERE swarm = $1 AND state IN ('spawning', 'running', 'retiring', 'failed'))
         - (SELECT count(*) FROM moved WHERE to_state NOT IN ('spawning', 'running', 'retiring', 'failed'))
     FROM moved WHERE moved.to_state <> 'running'`,
    params: [
      swarm,
      JSON.stringify(
        moves.map((m) => ({ agent_id: m.agentId, from_state: m.from, to_state: m.to })),
      ),
      toTimestamp(at),
    ],
  };
}
