-- Up Migration

-- A failed spawn now keeps its agent row in state `failed`, occupying the slot until the reconcile
-- loop starts it again with the same agent id and idempotency key, or a decision retires it.
-- failure_reason is the driver's reason for the last failed spawn (timeout, rejected, ...).
ALTER TABLE agents ADD COLUMN failure_reason text;
CREATE INDEX agents_occupying ON agents (swarm)
  WHERE state IN ('spawning', 'running', 'retiring', 'failed');

-- Down Migration

DROP INDEX IF EXISTS agents_occupying;
ALTER TABLE agents DROP COLUMN IF EXISTS failure_reason;
