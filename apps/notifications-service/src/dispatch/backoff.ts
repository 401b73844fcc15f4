/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs`, with "equal jitter"
 * (half fixed, half random) so that many failed sends do not retry in lockstep.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
