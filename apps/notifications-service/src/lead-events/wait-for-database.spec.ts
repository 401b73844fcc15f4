import { waitForDatabase } from './wait-for-database.js';

const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('waitForDatabase', () => {
  it('waits through a database outage, heartbeating, then returns the result', async () => {
    let calls = 0;
    let beats = 0;
    const delays: number[] = [];
    const result = await waitForDatabase(
      async () => {
        if (++calls < 4) throw down();
        return 'processed';
      },
      async () => void beats++,
      { baseDelayMs: 100, maxDelayMs: 300, sleep: async (ms) => void delays.push(ms) },
    );
    expect(result).toBe('processed');
    expect(delays).toEqual([100, 200, 300]);
    expect(beats).toBe(3);
  });

  it('throws other errors at once for the consumer policy', async () => {
    let calls = 0;
    const failure = new Error('template exploded');
    await expect(waitForDatabase(async () => { calls++; throw failure; }, async () => undefined)).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('gives up when the app is stopping', async () => {
    await expect(waitForDatabase(async () => { throw down(); }, async () => undefined, { isStopping: () => true })).rejects.toThrow('ECONNREFUSED');
  });
});
