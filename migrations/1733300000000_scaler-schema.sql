-- Up Migration

-- One row per swarm: operator controls, freeze state and a version counter. Decisions for a swarm
-- are serialized by locking this row (SELECT ... FOR UPDATE), so replicas take turns.
CREATE TABLE swarm_state (
  swarm text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 0,
  paused boolean NOT NULL DEFAULT false,
  dry_run boolean NOT NULL DEFAULT false,
  target_pin integer,
  frozen boolean NOT NULL DEFAULT false,
  last_watchdog_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every alert of every webhook call, once per (fingerprint, startsAt, status).
CREATE TABLE notifications (
  id bigserial PRIMARY KEY,
  swarm text NOT NULL,
  fingerprint text NOT NULL,
  starts_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('firing', 'resolved')),
  ends_at timestamptz,
  rule text NOT NULL,
  kind text NOT NULL,
  direction text NOT NULL,
  labels jsonb NOT NULL,
  annotations jsonb NOT NULL,
  source text NOT NULL,
  received_at timestamptz NOT NULL,
  UNIQUE (swarm, fingerprint, starts_at, status)
);

-- One row per alert instance (fingerprint + startsAt): the merged state the policy reads.
CREATE TABLE alert_instances (
  swarm text NOT NULL,
  fingerprint text NOT NULL,
  starts_at timestamptz NOT NULL,
  rule text NOT NULL,
  kind text NOT NULL,
  direction text NOT NULL,
  labels jsonb NOT NULL,
  annotations jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('firing', 'resolved')),
  resolved_at timestamptz,
  acted_at timestamptz,
  -- Roles the instance was granted when it acted, so that lost agents can be replaced.
  granted jsonb NOT NULL DEFAULT '[]'::jsonb,
  completed_at timestamptz,
  last_skip text,
  PRIMARY KEY (swarm, fingerprint, starts_at)
);
CREATE INDEX alert_instances_open ON alert_instances (swarm) WHERE completed_at IS NULL;

-- The agents the scaler started, with the alert instance that caused each one.
CREATE TABLE agents (
  agent_id text PRIMARY KEY,
  swarm text NOT NULL,
  role text NOT NULL,
  category text NOT NULL,
  state text NOT NULL CHECK (state IN ('spawning', 'running', 'retiring', 'retired', 'lost', 'failed')),
  origin text NOT NULL CHECK (origin IN ('base', 'alert', 'manual')),
  rule text,
  fingerprint text,
  starts_at timestamptz,
  idempotency_key text NOT NULL,
  spawned_at timestamptz NOT NULL,
  last_heartbeat_at timestamptz,
  retired_at timestamptz
);
CREATE INDEX agents_alive ON agents (swarm) WHERE state IN ('spawning', 'running', 'retiring');

-- Last scale action per rule and direction: the cooldown and stabilization clocks.
CREATE TABLE rule_clocks (
  swarm text NOT NULL,
  rule text NOT NULL,
  direction text NOT NULL,
  last_action_at timestamptz NOT NULL,
  PRIMARY KEY (swarm, rule, direction)
);

-- The decision log: every spawn, retire, skip, freeze and operator action. Append-only.
CREATE TABLE decisions (
  id bigserial PRIMARY KEY,
  swarm text NOT NULL,
  at timestamptz NOT NULL,
  rule text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
  reason text,
  agent_id text,
  role text,
  category text,
  fingerprint text,
  starts_at timestamptz,
  due_at timestamptz,
  replica text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX decisions_rule ON decisions (swarm, rule, id);

-- Every change of an agent's state, with the pool size right after it.
CREATE TABLE pool_transitions (
  id bigserial PRIMARY KEY,
  swarm text NOT NULL,
  at timestamptz NOT NULL,
  agent_id text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  pool_size integer NOT NULL
);

CREATE FUNCTION reject_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the decision log is append-only: % on decisions is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER decisions_append_only
  BEFORE UPDATE OR DELETE ON decisions
  FOR EACH ROW EXECUTE FUNCTION reject_decision_change();

-- Down Migration

DROP TRIGGER IF EXISTS decisions_append_only ON decisions;
DROP FUNCTION IF EXISTS reject_decision_change();
DROP TABLE IF EXISTS pool_transitions;
DROP TABLE IF EXISTS decisions;
DROP TABLE IF EXISTS rule_clocks;
DROP TABLE IF EXISTS agents;
DROP TABLE IF EXISTS alert_instances;
DROP TABLE IF EXISTS notifications;
DROP TABLE IF EXISTS swarm_state;
