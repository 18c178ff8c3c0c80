/**
 * Listens to the agent subjects of the NATS command bus, the way an operator would with
 * `nats sub '<root>.>'`, and records what each agent's host published.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** What the bus showed about one agent. */
export interface AgentRecord {
  /** Hosts that published events for the agent. */
  hosts: Set<string>;
  heartbeats: number;
  /** `status` events in the order they arrived: `starting`, `running`, `stopped`. */
  states: string[];
}

/** A subscription to `<root>.*.heartbeat` and `<root>.*.status`. */
export interface AgentBus {
  agents: Map<string, AgentRecord>;
  close(): Promise<void>;
}

/** Subscribes to the heartbeats and status events under `subjectRoot`. */
export async function watchAgentBus(subjectRoot: string): Promise<AgentBus> {
  const nc: NatsConnection = await connect({ servers: 'nats://127.0.0.1:4222' });
  const agents = new Map<string, AgentRecord>();
  const record = (agentId: string): AgentRecord => {
    let found = agents.get(agentId);
    if (!found) {
      found = { hosts: new Set(), heartbeats: 0, states: [] };
      agents.set(agentId, found);
    }
    return found;
  };
  for (const kind of ['heartbeat', 'status'] as const) {
    nc.subscribe(`${subjectRoot}.*.${kind}`, {
      callback(err, message) {
        if (err) return;
        const event = message.json<{ agentId: string; state: string; host: string }>();
        const agent = record(event.agentId);
        agent.hosts.add(event.host);
        if (kind === 'heartbeat') agent.heartbeats++;
        else agent.states.push(event.state);
      },
    });
  }
  await nc.flush();
  return { agents, close: () => nc.drain() };
}
