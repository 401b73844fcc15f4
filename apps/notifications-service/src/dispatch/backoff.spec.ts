import { retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('doubles with each attempt', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, 1_000, () => 1))).toEqual([1_000, 2_000, 4_000]);
  });

  it('jitters between half and the full delay', () => {
    expect(retryDelayMs(3, 1_000, () => 0)).toBe(2_000);
    for (let i = 0; i < 50; i++) {
      const delay = retryDelayMs(2, 1_000);
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
