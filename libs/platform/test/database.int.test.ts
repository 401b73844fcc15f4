import pg from 'pg';
import { claimInIndexOrder } from '../src/database.js';

describe('claimInIndexOrder (real PostgreSQL)', () => {
  const client = new pg.Client({ connectionString: process.env.LEADS_DATABASE_URL });
  const tx = { execute: (sql: string) => client.query(sql) };
  const claim = `explain select * from queue_probe where status = 'queued' and due <= now() order by due limit 50 for update skip locked`;
  const planOf = async () => (await client.query<{ 'QUERY PLAN': string }>(claim)).rows.map((row) => row['QUERY PLAN']).join('\n');

  beforeAll(async () => {
    await client.connect();
    await client.query(`create temp table queue_probe (id serial primary key, status text not null, due timestamptz not null, body text)`);
    await client.query(`create index on queue_probe (status, due)`);
    await client.query(
      `insert into queue_probe (status, due, body) select 'queued', now() - g * interval '1 ms', repeat('x', 800) from generate_series(1, 20000) g`,
    );
    // Never analyzed, like a queue table that grew in a burst: the planner guesses at 289 rows.
  });
  afterAll(() => client.end());

  it('makes a claim read its index in order instead of sorting the backlog', async () => {
    await client.query('begin');
    try {
      // Random reads priced high: with its guess at the backlog, the planner now scans and sorts it all.
      await client.query('set local random_page_cost = 1000');
      expect(await planOf()).toMatch(/Sort/);
      await claimInIndexOrder(tx);
      const plan = await planOf();
      expect(plan).toMatch(/Index Scan using queue_probe_status_due_idx/);
      expect(plan).not.toMatch(/Sort/);
    } finally {
      await client.query('rollback');
    }
    // Only for that transaction.
    expect((await client.query('show enable_sort')).rows[0].enable_sort).toBe('on');
  });
});
