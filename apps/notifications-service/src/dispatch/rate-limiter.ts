/**
 * Token buckets, one per key (channel): at most `perSecond` sends a second per process,
 * with bursts up to one second's worth. `take` waits for a token rather than failing.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async take(key: string): Promise<void> {
    for (;;) {
      const wait = this.tryTake(key);
      if (wait === 0) return;
      await this.sleep(wait);
    }
  }

  /** Takes a token and returns 0, or returns how many ms until one is available. */
  tryTake(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perSecond, refilledAt: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.refilledAt) / 1_000) * this.perSecond);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1_000);
  }
}
