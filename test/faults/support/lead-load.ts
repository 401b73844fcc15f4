import { signDevToken } from '#platform/auth';
import { faultTestCustomer } from './kafka.js';

/** The JWT secret the suite gives both services (a test-only value, not the dev default). */
export const FAULTS_JWT_SECRET = 'faults-suite-only-secret-faults-suite-only-secret';

/** What a run of creates got back. */
export interface CreateResults {
  /** Ids of the leads that were created (201). */
  created: string[];
  /** Count per HTTP status; 0 means no answer at all (connection refused or reset). */
  statuses: Map<number, number>;
  /** Non-201 answers that were not problem+json. */
  notProblemJson: number;
}

/** Signs a central_ops token and creates a lead source to attach the leads to. */
export async function prepareLeadsApi(leadsUrl: string): Promise<{ token: string; sourceId: number }> {
  const token = await signDevToken(FAULTS_JWT_SECRET, { sub: crypto.randomUUID(), role: 'central_ops', name: 'Faults Suite' });
  const response = await fetch(`${leadsUrl}/api/v1/lead-sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Faults ${crypto.randomUUID()}`, sourceType: 'api' }),
  });
  const body = (await response.json()) as { id: number };
  if (response.status !== 201) throw new Error(`lead source not created: ${response.status} ${JSON.stringify(body)}`);
  return { token, sourceId: body.id };
}

/**
 * Creates leads over HTTP with `concurrency` workers until `total` were attempted or `stop()` is called;
 * `progress()` reads the results so far while it runs.
 */
export function createLeads(
  leadsUrl: string,
  api: { token: string; sourceId: number },
  nextPhone: () => string,
  { total, concurrency = 4 }: { total: number; concurrency?: number },
): { done: Promise<CreateResults>; progress: () => CreateResults; stop: () => void } {
  const results: CreateResults = { created: [], statuses: new Map(), notProblemJson: 0 };
  let attempted = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && attempted < total) {
      attempted++;
      const phone = nextPhone();
      let status = 0;
      try {
        const response = await fetch(`${leadsUrl}/api/v1/leads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            oemId: crypto.randomUUID(),
            ...faultTestCustomer(phone),
            sourceId: api.sourceId,
          }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        const text = await response.text();
        if (status === 201) results.created.push((JSON.parse(text) as { id: string }).id);
        else if (!String(response.headers.get('content-type')).startsWith('application/problem+json')) results.notProblemJson++;
      } catch {
        status = 0;
      }
      results.statuses.set(status, (results.statuses.get(status) ?? 0) + 1);
      // A refused connection or a 503 answers at once; do not spin on it.
      if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => results);
  return { done, progress: () => results, stop: () => void (stopped = true) };
}

/** `201×480 503×20` */
export function formatStatuses(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status || 'no answer'}×${count}`)
    .join(' ');
}
