import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst of one second worth, then paces, per key', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    expect(limiter.tryTake('sms')).toBe(0);
    expect(limiter.tryTake('sms')).toBe(0);
    expect(limiter.tryTake('sms')).toBe(500);
    expect(limiter.tryTake('email')).toBe(0);
    now = 500;
    expect(limiter.tryTake('sms')).toBe(0);
    expect(limiter.tryTake('sms')).toBeGreaterThan(0);
  });

  it('take waits until a token is free', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(1, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    await limiter.take('sms');
    await limiter.take('sms');
    expect(waits).toEqual([1_000]);
  });
});
