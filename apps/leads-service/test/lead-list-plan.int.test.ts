import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '#platform/auth';
import { loadLeadsConfig } from '../src/config.js';
import type { ListLeadsQuery } from '../src/leads/dto/list-leads.query.js';
import { LeadsService } from '../src/leads/leads.service.js';
import { leadsOrmConfig } from '../src/mikro-orm.config.js';
import type { OutboxRelay } from '../src/outbox/outbox-relay.js';

interface PlanNode {
  'Node Type': string;
  'Scan Direction'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** A plan as one line per node, outermost first: "Index Scan Backward using leads_…_index". */
const stepsOf = (node: PlanNode): string[] => {
  const direction = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
  const index = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  return [`${node['Node Type']}${direction}${index}`, ...(node.Plans ?? []).flatMap(stepsOf)];
};

const SEEDED = 20_000;
const centralOps: Principal = { sub: randomUUID(), role: 'central_ops', name: 'central_ops' };

let orm: MikroORM;
let leads: LeadsService;
let sourceId: number;
const statements: { sql: string; params: readonly unknown[] }[] = [];

beforeAll(async () => {
  orm = await MikroORM.init({
    ...leadsOrmConfig(loadLeadsConfig().LEADS_DATABASE_URL, 2),
    onQuery: (sql, params) => {
      statements.push({ sql, params });
      return sql;
    },
  });
  // list() reads only; it never touches the outbox relay.
  leads = new LeadsService(orm.em, undefined as unknown as OutboxRelay);
  const em = orm.em.fork();
  [{ id: sourceId }] = await em.execute<{ id: number }[]>(
    `insert into lead_sources (name, source_type) values (?, 'api') returning id`,
    [`Plan ${randomUUID().slice(0, 8)}`],
  );
  // Every status, over two cities: leads that earlier suites left in this database (thousands, in
  // Bengaluru) cannot dilute Pune's share enough to make a sort look cheaper at this size.
  await em.execute(
    `insert into leads (id, oem_id, customer_name, customer_phone, address_line1, city, state, pincode, source_id, status,
       created_at, updated_at)
     select gen_random_uuid(), gen_random_uuid(), 'Seeded Customer ' || g, '+9198' || lpad(g::text, 8, '0'), g || ' Ring Road',
       (array['Pune', 'Mumbai'])[1 + g % 2], 'Maharashtra', '411001', ?,
       (array['new', 'contacted', 'documents_pending', 'documents_received', 'survey_scheduled', 'survey_completed',
         'installation_scheduled', 'installation_completed', 'closed', 'cancelled', 'on_hold'])[1 + g % 11],
       now() - random() * interval '730 days', now()
     from generate_series(1, ?::int) g`,
    [sourceId, SEEDED],
  );
  await em.execute('analyze leads');
}, 60_000);

afterAll(async () => {
  await orm.em.fork().execute('delete from leads where source_id = ?', [sourceId]);
  await orm.em.fork().execute('delete from lead_sources where id = ?', [sourceId]);
  await orm.close(true);
});

/** Lists through the service and returns the page with PostgreSQL's plan for the very statement it sent. */
async function listWithPlan(query: Partial<ListLeadsQuery>) {
  statements.length = 0;
  const page = await leads.list(query as ListLeadsQuery, centralOps);
  expect(statements).toHaveLength(1);
  const [{ sql, params }] = statements;
  const [row] = await orm.em.fork().execute<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(`explain (format json) ${sql}`, params);
  return { page, steps: stepsOf(row['QUERY PLAN'][0].Plan) };
}

describe('the lead list reads an index in page order', () => {
  it('has (status, created_at, id) after migration, beside every index the seeds ask for', async () => {
    const rows = await orm.em
      .fork()
      .execute<{ indexname: string; indexdef: string }[]>(`select indexname, indexdef from pg_indexes where tablename = 'leads'`);
    const byName = new Map(rows.map((row) => [row.indexname, row.indexdef]));
    expect(byName.get('leads_status_created_at_id_index')).toBe(
      'CREATE INDEX leads_status_created_at_id_index ON public.leads USING btree (status, created_at, id)',
    );
    const seeds = ['status', 'oem_id', 'assigned_to_id', 'created_at', 'city', 'state'].map((column) => `leads_${column}_index`);
    expect([...byName.keys()]).toEqual(expect.arrayContaining(seeds));
  });

  it('filtered by status and city: walks the status index backwards and stops at the page, first page and next (no sort)', async () => {
    const query = { status: 'survey_scheduled', city: 'Pune', limit: 50 } as const;
    const first = await listWithPlan(query);
    expect(first.steps).toEqual(['Limit', 'Index Scan Backward using leads_status_created_at_id_index']);
    expect(first.page.items).toHaveLength(50);
    expect(first.page.items.every((lead) => lead.status === 'survey_scheduled' && lead.city === 'Pune')).toBe(true);

    const next = await listWithPlan({ ...query, cursor: first.page.nextCursor! });
    expect(next.steps).toEqual(['Limit', 'Index Scan Backward using leads_status_created_at_id_index']);
    expect(next.page.items).toHaveLength(50);
    expect(new Date(next.page.items[0].createdAt) <= new Date(first.page.items[49].createdAt)).toBe(true);
  });

  it('unfiltered: walks (created_at, id) backwards (no sort)', async () => {
    const { steps } = await listWithPlan({ limit: 50 });
    expect(steps).toEqual(['Limit', 'Index Scan Backward using leads_created_at_id_index']);
  });
});
