/** Latency summary of one measured run. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Throughput and latency of one measured run. */
export interface RunFigures extends LatencySummary {
  rps: number;
}

/** Nearest-rank percentiles of a list of latencies in milliseconds. */
export function summarize(latenciesMs: number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    count: sorted.length,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted.length ? sorted[sorted.length - 1] : NaN),
  };
}

/** Runs `task` with `concurrency` workers until `durationMs` elapses; returns per-task latencies and throughput. */
export async function closedLoop(
  task: (worker: number) => Promise<void>,
  options: { concurrency: number; durationMs: number },
): Promise<{ latencies: number[]; rps: number; errors: number; firstError?: string }> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await task(worker);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  return { latencies, rps: latencies.length / elapsedS, errors, firstError };
}
