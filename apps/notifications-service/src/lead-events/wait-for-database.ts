import { isDatabaseUnavailable } from '#platform/problem';

/**
 * Runs `work`, and while it fails because the database cannot be reached, waits (backing off up
 * to `maxDelayMs`, calling `heartbeat` so the consumer keeps its partitions) and runs it again.
 * An outage then pauses the partition instead of dead-lettering good events; any other error is
 * thrown for the consumer policy to retry or dead-letter.
 */
export async function waitForDatabase<T>(
  work: () => Promise<T>,
  heartbeat: () => Promise<void>,
  options: { baseDelayMs?: number; maxDelayMs?: number; isStopping?: () => boolean; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const { baseDelayMs = 250, maxDelayMs = 5_000, isStopping = () => false } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || isStopping()) throw error;
      await sleep(Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
      await heartbeat();
    }
  }
}
