import { randomInt } from 'node:crypto';
import pg from 'pg';
import { LeadStatuses } from '#contracts';
import { runHttpLoad } from './http-load.js';
import { BENCH_PLACES } from './lead-generator.js';
import { closedLoop, summarize, type RunFigures } from './stats.js';

/** Fills the leads table up to `rows` leads with generated data spread over two years (once per database). */
export async function seedLeads(db: pg.Pool, sourceId: number, rows: number, log: (line: string) => void): Promise<void> {
  const { rows: count } = await db.query<{ n: string }>('select count(*) as n from leads');
  const missing = rows - Number(count[0].n);
  if (missing <= 0) return;
  const cities = BENCH_PLACES.map((place) => `('${place.city}','${place.state}','${place.pincode}')`).join(',');
  const statuses = LeadStatuses.map((status) => `'${status}'`).join(',');
  for (let done = 0; done < missing; done += 100_000) {
    const batch = Math.min(100_000, missing - done);
    await db.query(
      `with places(city, state, pincode) as (values ${cities}),
            numbered as (select row_number() over () - 1 as i, * from places)
       insert into leads (id, oem_id, customer_name, customer_phone, customer_email, address_line1, address_line2,
         city, state, pincode, source_id, status, intro_call_completed, created_at, updated_at)
       select gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad((g % 20)::text, 12, '0'))::uuid,
         'Seeded Customer ' || g, '+9198' || lpad((g % 100000000)::text, 8, '0'), null, g || ' Ring Road', '',
         p.city, p.state, p.pincode, $1, (array[${statuses}])[1 + g % ${LeadStatuses.length}], false,
         now() - (random() * interval '730 days'), now()
       from generate_series(1, $2::int) g
       join numbered p on p.i = g % ${BENCH_PLACES.length}`,
      [sourceId, batch],
    );
    log(`seeded ${done + batch}/${missing} leads`);
  }
  await db.query('analyze leads');
}

interface ListQuery {
  status: string;
  city: string;
  after?: { createdAt: Date; id: string };
}

// The statement leads-service runs for `GET /api/v1/leads?status=…&city=…[&cursor=…]` (its city filter is
// case-insensitive: ILIKE), so the floor differs from the system only in what surrounds the query.
const FLOOR_SQL = `select * from leads where status = $1 and city ilike $2
  and ($3::timestamptz is null or created_at < $3 or (created_at = $3 and id < $4::uuid))
  order by created_at desc, id desc limit 51`;

/** A mix of first pages and deeper pages (reached by walking the keyset) over random filters. */
async function buildQueries(db: pg.Pool, count: number): Promise<ListQuery[]> {
  const queries: ListQuery[] = [];
  while (queries.length < count) {
    const status = LeadStatuses[randomInt(LeadStatuses.length)];
    const city = BENCH_PLACES[randomInt(BENCH_PLACES.length)].city;
    let after: ListQuery['after'];
    for (let page = 0; page < 4; page++) {
      queries.push({ status, city, after });
      const { rows } = await db.query(FLOOR_SQL, [status, city, after?.createdAt ?? null, after?.id ?? null]);
      const last = rows[49];
      if (!last) break;
      after = { createdAt: last.created_at, id: last.id };
    }
  }
  return queries;
}

/** The service's cursor text for a keyset position (the format of leads-service's lead-cursor.ts). */
const toCursor = (after: NonNullable<ListQuery['after']>) =>
  Buffer.from(JSON.stringify([after.createdAt.toISOString(), after.id])).toString('base64url');

/** GET /api/v1/leads with filters and cursor paging against the same SQL through bare pg. */
export async function measureReadPath(options: {
  db: pg.Pool;
  leadsUrl: string;
  token: string;
  concurrency: number;
  durationS: number;
}): Promise<{ system: RunFigures; floor: RunFigures }> {
  const queries = await buildQueries(options.db, 200);
  const pick = () => queries[randomInt(queries.length)];
  const floorRun = await closedLoop(
    async () => {
      const query = pick();
      await options.db.query({ name: 'floor-list-leads', text: FLOOR_SQL, values: [query.status, query.city, query.after?.createdAt ?? null, query.after?.id ?? null] });
    },
    { concurrency: options.concurrency, durationMs: options.durationS * 1000 },
  );
  const system = await runHttpLoad({
    url: options.leadsUrl,
    connections: options.concurrency,
    durationS: options.durationS,
    headers: { authorization: `Bearer ${options.token}` },
    makePath: () => {
      const query = pick();
      const cursor = query.after ? `&cursor=${toCursor(query.after)}` : '';
      return `/api/v1/leads?status=${query.status}&city=${encodeURIComponent(query.city)}&limit=50${cursor}`;
    },
  });
  return { system, floor: { rps: floorRun.rps, ...summarize(floorRun.latencies) } };
}
