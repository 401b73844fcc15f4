import { randomUUID } from 'node:crypto';
import { indianMobile, startLeadsAppWithSource, unique, waitForOutboxDrained, type TestApp } from './support.js';

let t: TestApp;
let ops: string;
let sourceId: number;

beforeAll(async () => ({ t, ops, sourceId } = await startLeadsAppWithSource()), 60_000);
afterAll(() => t.close(), 30_000);

const header = 'oemId,customerName,customerPhone,customerEmail,addressLine1,addressLine2,city,state,pincode,latitude,longitude,sourceId,chargerModel,externalRef';
const row = (cells: Partial<Record<string, string>>) => {
  const values = {
    oemId: randomUUID(),
    customerName: `Ravi Kumar ${unique()}`,
    customerPhone: indianMobile(),
    customerEmail: '',
    addressLine1: '"4, Residency Road"',
    addressLine2: '',
    city: 'Bengaluru',
    state: 'Karnataka',
    pincode: '560025',
    latitude: '12.9667',
    longitude: '77.6000',
    sourceId: String(sourceId),
    chargerModel: 'DC 30 kW',
    externalRef: `csv-${unique()}`,
    ...cells,
  };
  return header.split(',').map((column) => values[column as keyof typeof values] ?? '').join(',');
};

const importCsv = (csv: string, auth = ops) =>
  t.http().post('/api/v1/leads/import').set('authorization', auth).attach('file', Buffer.from(csv), { filename: 'leads.csv', contentType: 'text/csv' });

describe('POST /api/v1/leads/import', () => {
  it('reports each row created / duplicate / invalid with reasons, keeps the valid rows, and is idempotent', async () => {
    const twin = row({});
    const noRefPhone = indianMobile();
    const oemId = randomUUID();
    const csv = [
      header,
      row({}),
      twin,
      twin,
      row({ customerPhone: '12345' }),
      row({ pincode: '0123' }),
      row({ sourceId: '987654321' }),
      row({ oemId: '' }),
      row({ externalRef: '', oemId, customerPhone: noRefPhone }),
      row({ externalRef: '', oemId, customerPhone: noRefPhone, customerName: 'Same Person' }),
      row({ latitude: '123.5' }),
    ].join('\n');
    const response = await importCsv(csv);
    expect(response.status).toBe(200);
    const statuses = response.body.rows.map((r: { status: string }) => r.status);
    expect(statuses).toEqual(['created', 'created', 'duplicate', 'invalid', 'invalid', 'invalid', 'invalid', 'created', 'duplicate', 'invalid']);
    const fieldsOf = (n: number) => response.body.rows[n].reasons.map((r: { field: string }) => r.field);
    expect(fieldsOf(3)).toEqual(['customerPhone']);
    expect(fieldsOf(4)).toEqual(['pincode']);
    expect(fieldsOf(5)).toEqual(['sourceId']);
    expect(fieldsOf(6)).toEqual(['oemId']);
    expect(fieldsOf(9)).toContain('latitude');
    expect(response.body).toMatchObject({ total: 10, created: 3, duplicates: 2, invalid: 5 });

    const created = response.body.rows.filter((r: { status: string }) => r.status === 'created');
    const lead = await t.http().get(`/api/v1/leads/${created[0].leadId}`).set('authorization', ops).expect(200);
    expect(lead.body.addressLine1).toBe('4, Residency Road');

    const again = await importCsv(csv);
    expect(again.body).toMatchObject({ total: 10, created: 0, duplicates: 5, invalid: 5 });
    expect(again.body.rows[0]).toMatchObject({ status: 'duplicate', leadId: created[0].leadId });
  });

  it('rejects a file whose header is not the lead fields (422 naming the columns) and a missing file', async () => {
    const response = await importCsv('name,phone\nA,1\n');
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['file.name', 'file.customerName']));
    const noFile = await t.http().post('/api/v1/leads/import').set('authorization', ops).field('other', 'x');
    expect(noFile.status).toBe(422);
  });

  it('imports 10,000 rows', async () => {
    const oemId = randomUUID();
    const lines = [header];
    for (let i = 0; i < 10_000; i++) lines.push(row({ oemId, externalRef: `bulk-${unique()}-${i}` }));
    const response = await importCsv(lines.join('\n'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 10_000, created: 10_000, duplicates: 0, invalid: 0 });
    const page = await t.http().get('/api/v1/leads').query({ oemId, limit: 200 }).set('authorization', ops).expect(200);
    expect(page.body.items).toHaveLength(200);
    expect(page.body.nextCursor).not.toBeNull();
    // Every one of the 10,000 created events leaves the outbox.
    await waitForOutboxDrained(t, 180_000);
  }, 300_000);
});
