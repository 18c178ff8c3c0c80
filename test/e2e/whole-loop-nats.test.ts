/**
 * The whole loop as the local stack runs it: the service with `SWARM_DRIVER=nats` and a separate
 * `swarm-scaler agent-host` process, so every agent runs on the host and heartbeats over NATS.
 * See harness.ts for what runs and surge-scenario.ts for the shared checks.
 */
import { type AgentBus, watchAgentBus } from './agent-bus';
import { startWholeLoop, waitFor, type PoolView, type WholeLoop } from './harness';
import { runSurgeScenario } from './surge-scenario';

jest.setTimeout(300_000);

describe('whole loop, NATS driver and agent host', () => {
  let loop: WholeLoop | undefined;
  let bus: AgentBus | undefined;

  beforeAll(async () => {
    loop = await startWholeLoop('nats');
    bus = await watchAgentBus(loop.subjectRoot);
  });

  afterAll(async () => {
    await bus?.close();
    await loop?.stop();
  });

  test('base pool, surge and calm all run on the agent host', async () => {
    if (!loop || !bus) throw new Error('the loop did not start');
    const { agents } = bus;
    const hostId = loop.hostId;
    const added = (base: PoolView, grown: PoolView) => {
      const before = new Set(base.agents.map((agent) => agent.id));
      return grown.agents.map((agent) => agent.id).filter((id) => !before.has(id));
    };
    let specialistIds: string[] = [];

    await runSurgeScenario(loop, 'nats', {
      async onBase(base) {
        const ids = base.agents.map((agent) => agent.id);
        await waitFor(async () => ids.every((id) => (agents.get(id)?.heartbeats ?? 0) > 0), 10_000);
        for (const id of ids) expect([id, [...(agents.get(id)?.hosts ?? [])]]).toEqual([id, [hostId]]);
        // The scaler buffers heartbeats and writes them to its store once a second.
        const silent = async () =>
          (await loop?.pool())?.agents.filter((agent) => agent.lastHeartbeatAt === null) ?? [];
        await waitFor(async () => (await silent()).length === 0, 15_000).catch(() => undefined);
        expect(await silent()).toEqual([]);
      },
      async onGrown({ base, grown, specialists }) {
        specialistIds = added(base, grown);
        expect(specialistIds).toHaveLength(specialists.length);
        await waitFor(
          async () => specialistIds.every((id) => (agents.get(id)?.heartbeats ?? 0) > 0),
          10_000,
        );
        for (const id of specialistIds) {
          const agent = agents.get(id);
          expect([id, [...(agent?.hosts ?? [])], agent?.states]).toEqual([
            id,
            [hostId],
            ['starting', 'running'],
          ]);
        }
      },
      async onShrunk({ shrunk }) {
        const remaining = new Set(shrunk.agents.map((agent) => agent.id));
        expect(specialistIds.filter((id) => remaining.has(id))).toEqual([]);
        await waitFor(
          async () => specialistIds.every((id) => agents.get(id)?.states.includes('stopped')),
          10_000,
        );
        for (const id of specialistIds) {
          expect([id, agents.get(id)?.states]).toEqual([id, ['starting', 'running', 'stopped']]);
        }
      },
    });

    const stoppedBase = [...agents.entries()]
      .filter(([id, agent]) => !specialistIds.includes(id) && agent.states.includes('stopped'))
      .map(([id]) => id);
    expect(stoppedBase).toEqual([]);
  });
});
