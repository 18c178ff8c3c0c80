/**
 * The whole loop with the in-process pool driver: the agents are objects inside the service.
 * See harness.ts for what runs and surge-scenario.ts for what is checked.
 */
import { startWholeLoop, type WholeLoop } from './harness';
import { runSurgeScenario } from './surge-scenario';

jest.setTimeout(300_000);

describe('whole loop, in-process driver', () => {
  let loop: WholeLoop | undefined;

  beforeAll(async () => {
    loop = await startWholeLoop('in-process');
  });

  afterAll(async () => {
    await loop?.stop();
  });

  test('surge spawns the rule specialists and calm retires them', async () => {
    if (!loop) throw new Error('the loop did not start');
    const { shrunk, base } = await runSurgeScenario(loop, 'in-process');
    expect(shrunk.actual).toBe(base.actual);
  });
});
