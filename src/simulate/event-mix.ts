/**
 * Turns a load plan into the events of one tick: a fixed rate for kinds that feed a measure
 * (queries, errors, NATS messages), and a share of the `--rate` budget for the others.
 */
import {
  ERROR_KINDS,
  EVENTBUS_KINDS,
  KV_BUCKETS,
  KV_OPERATIONS,
  LIFECYCLE_EVENTS,
  PG_POOLS,
  SUPERVISION_STRATEGIES,
} from '../catalog/signals';
import type { TelemetryPublisher } from '../telemetry/publisher';
import type { LoadPlan } from './load-plan';

/** Relative rates of the kinds that no measure constrains, in events per second at scale 1. */
const FREE_WEIGHTS = {
  request: 20,
  eventbus: 10,
  kv_op: 10,
  actor_route: 10,
  restart: 0.5,
  recovery: 0.5,
  dead_letter: 0.1,
  systemcore_init: 0.05,
} as const;

type FreeKind = keyof typeof FREE_WEIGHTS;

const FREE_TOTAL = Object.values(FREE_WEIGHTS).reduce((a, b) => a + b, 0);

/** A small seeded generator (mulberry32), so a run's latencies can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(values: readonly T[], random: () => number): T =>
  values[Math.floor(random() * values.length)];

/** Emits a plan's events tick by tick, carrying fractions of an event over to the next tick. */
export class EventMix {
  private readonly due = new Map<string, number>();
  private readonly turns = new Map<string, number>();
  private readonly random: () => number;

  constructor(
    private readonly publisher: TelemetryPublisher,
    private readonly totalRate: number,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
  }

  /**
   * Emits one event of each SystemCore lifecycle kind, as a framework does when it starts. The
   * generated rules turn these into event alerts (`auto_spawn_on`), so they are sent only when
   * asked for.
   */
  startup(): void {
    for (const event of LIFECYCLE_EVENTS) this.publisher.emit('lifecycle', { event });
  }

  /** Emits the events of `seconds` of `plan`. */
  tick(plan: LoadPlan, seconds: number): void {
    const { rates } = plan;
    const fixedRate = rates.pgQueries + rates.requests * rates.errorsPerRequest + 1 / seconds;
    const scale = Math.max(0.05, (this.totalRate - fixedRate) / FREE_TOTAL);

    for (let i = this.take('pg_query', rates.pgQueries * seconds); i > 0; i--) {
      this.publisher.emit('pg_query', {
        pool: pick(PG_POOLS, this.random),
        seconds: this.latency(plan),
      });
    }
    const requests = this.take('request', FREE_WEIGHTS.request * scale * seconds);
    for (let i = 0; i < requests; i++)
      this.publisher.emit('request', { seconds: this.latency(plan) });
    for (let i = this.take('error', requests * rates.errorsPerRequest); i > 0; i--) {
      this.publisher.emit('error', { kind: pick(ERROR_KINDS, this.random) });
    }
    const messages = this.take('nats_processed', rates.natsMessages * seconds);
    if (messages > 0) this.publisher.emit('nats_processed', { count: messages });

    for (const kind of Object.keys(FREE_WEIGHTS) as FreeKind[]) {
      if (kind === 'request') continue;
      const count = this.take(kind, FREE_WEIGHTS[kind] * scale * seconds);
      for (let i = 0; i < count; i++) this.emitFree(kind, plan);
    }
  }

  private take(key: string, amount: number): number {
    // Each kind starts one event in credit, so the first tick gives every signal data.
    const due = (this.due.get(key) ?? 1) + amount;
    const whole = Math.floor(due);
    this.due.set(key, due - whole);
    return whole;
  }

  /** Returns true on every `every`-th call per key, starting at call `offset`: a fixed share. */
  private isTurn(key: string, every: number, offset = 0): boolean {
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return turn % every === offset;
  }

  private latency(plan: LoadPlan): number {
    return Math.max(0.0001, this.random() * plan.maxLatencySeconds);
  }

  private emitFree(kind: Exclude<FreeKind, 'request'>, plan: LoadPlan): void {
    const random = this.random;
    const id = `${kind}-${Math.floor(random() * 1e9)}`;
    switch (kind) {
      case 'eventbus':
        return this.publisher.emit(kind, { kind: pick(EVENTBUS_KINDS, random) });
      case 'kv_op': {
        // Every other operation is a get, and one get in five misses, the first one included.
        const operation = this.isTurn('kv_get', 2) ? 'get' : pick(KV_OPERATIONS, random);
        const hit = operation === 'get' ? !this.isTurn('kv_miss', 5) : undefined;
        return this.publisher.emit(kind, {
          bucket: pick(KV_BUCKETS, random),
          operation,
          hit,
          key: id,
        });
      }
      case 'actor_route':
        return this.publisher.emit(kind, { seconds: this.latency(plan) / 10, actor_id: id });
      case 'restart':
        return this.publisher.emit(kind, {
          strategy: pick(SUPERVISION_STRATEGIES, random),
          actor_id: id,
        });
      case 'recovery':
        // One recovery in five fails, from the fifth on, so successes show from the first.
        const ok = !this.isTurn('recovery_failure', 5, 4);
        return this.publisher.emit(kind, { kind: pick(ERROR_KINDS, random), ok });
      case 'dead_letter':
        return this.publisher.emit(kind, { event_id: id });
      case 'systemcore_init':
        return this.publisher.emit(kind, { seconds: 0.1 + random() * 0.4 });
    }
  }
}
