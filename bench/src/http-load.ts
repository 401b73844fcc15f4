import autocannon from 'autocannon';
import { summarize, type RunFigures } from './stats.js';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Offered load in requests/s; a closed loop (saturation) when unset. */
  overallRate?: number;
  /** A fresh body per request (POST). */
  makeBody?: () => unknown;
  /** A fresh path per request (GET with varying filters and cursors). */
  makePath?: () => string;
  onTick?: (completed: number) => void;
}

/** Drives one HTTP route with autocannon and returns throughput and per-request latency percentiles. */
export async function runHttpLoad(options: LoadOptions): Promise<RunFigures & { non2xx: number; errors: number }> {
  const latencies: number[] = [];
  let non2xx = 0;
  let finish!: (error: Error | null, result: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>(
    (resolve, reject) => (finish = (error, result) => (error ? reject(error) : resolve(result))),
  );
  const instance = autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    connections: options.connections,
    duration: options.durationS,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [
      {
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          ...(options.makeBody ? { body: JSON.stringify(options.makeBody()) } : {}),
          ...(options.makePath ? { path: options.makePath() } : {}),
        }),
      },
    ],
  }, (error, result) => finish(error, result));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else non2xx++;
  });
  const ticker = setInterval(() => options.onTick?.(latencies.length), 1_000);
  const result = await done.finally(() => clearInterval(ticker));
  const elapsedS = result.duration || options.durationS;
  return { rps: latencies.length / elapsedS, ...summarize(latencies), non2xx, errors: result.errors + result.timeouts };
}
