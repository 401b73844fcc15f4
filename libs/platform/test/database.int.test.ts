import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { claimInIndexOrder, queryRows } from '../src/database.js';

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

describe('queryRows (real PostgreSQL through MikroORM)', () => {
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await MikroORM.init({ clientUrl: process.env.LEADS_DATABASE_URL, entities: [], discovery: { warnWhenNoEntities: false } });
    await orm.em.getConnection().execute('create table if not exists query_rows_probe (id uuid primary key, at timestamptz not null, tags text[] not null, note text)');
  });
  afterAll(async () => {
    await orm.em.getConnection().execute('drop table if exists query_rows_probe');
    await orm.close(true);
  });

  it('binds arrays, dates and JSON text as parameters, quotes and all, and returns the rows', async () => {
    const at = new Date('2026-12-02T10:00:00.000Z');
    const note = `it's "quoted", with \\ and ? and $1`;
    const rows = await queryRows<{ id: string; at: Date; tags: string[]; note: string }>(
      orm.em,
      `insert into query_rows_probe (id, at, tags, note)
         select v.id, $1, $2, v.note from json_to_recordset($3::json) as v(id uuid, note text) returning *`,
      [at, ['a,b', 'c "d"'], JSON.stringify([{ id: randomUUID(), note }])],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tags: ['a,b', 'c "d"'], note });
    expect(new Date(rows[0].at).toISOString()).toBe(at.toISOString());
  });

  it("runs in the entity manager's transaction: a rollback takes its write back", async () => {
    const id = randomUUID();
    await expect(
      orm.em.fork().transactional(async (tx) => {
        await queryRows(tx, `insert into query_rows_probe (id, at, tags) values ($1, now(), '{}')`, [id]);
        expect(await queryRows(tx, 'select id from query_rows_probe where id = $1', [id])).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await queryRows(orm.em, 'select id from query_rows_probe where id = $1', [id])).toHaveLength(0);
  });
});
