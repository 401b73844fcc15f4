import { createHash, randomUUID } from 'node:crypto';
import { createSource, leadBody, startLeadsApp, type TestApp } from './support.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64)]);

let t: TestApp;
let ops: string;
let oem: string;
let leadId: string;

beforeAll(async () => {
  t = await startLeadsApp({ env: { DOCUMENTS_DIR: `/tmp/leads-documents-test-${process.pid}` } });
  ops = `Bearer ${await t.token('central_ops')}`;
  const oemId = randomUUID();
  oem = `Bearer ${await t.token('oem', oemId)}`;
  const source = await createSource(t);
  leadId = (await t.http().post('/api/v1/leads').set('authorization', oem).send(leadBody(source.id)).expect(201)).body.id;
}, 60_000);
afterAll(() => t.close(), 30_000);

const upload = (auth: string, file: Buffer, name: string, documentType?: string, id = leadId) => {
  const request = t.http().post(`/api/v1/leads/${id}/documents`).set('authorization', auth);
  if (documentType) request.field('documentType', documentType);
  return request.field('notes', 'from the test').attach('file', file, { filename: name, contentType: 'application/pdf' });
};

describe('lead documents', () => {
  it.each([
    ['PDF', PDF, 'application/pdf'],
    ['PNG', PNG, 'image/png'],
    ['JPEG', JPEG, 'image/jpeg'],
  ])('accepts a %s, typed by its content, with its SHA-256, and streams it back', async (_kind, bytes, type) => {
    const response = await upload(ops, bytes, 'whatever.bin', 'electricity_bill');
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      leadId,
      documentType: 'electricity_bill',
      contentType: type,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      notes: 'from the test',
      originalName: 'whatever.bin',
    });
    const content = await t
      .http()
      .get(`/api/v1/leads/${leadId}/documents/${response.body.id}/content`)
      .set('authorization', oem)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(content.status).toBe(200);
    expect(content.headers['content-type']).toBe(type);
    expect(Buffer.compare(content.body as Buffer, bytes)).toBe(0);
  });

  it('rejects a file whose content is not an allowed type, whatever its name and header say (415)', async () => {
    const response = await upload(ops, Buffer.from('just some text pretending'), 'bill.pdf', 'electricity_bill');
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('document.unsupported_type');
  });

  it('names a missing or unknown documentType (422)', async () => {
    expect((await upload(ops, PDF, 'a.pdf')).body.errors[0].field).toBe('documentType');
    expect((await upload(ops, PDF, 'a.pdf', 'selfie')).status).toBe(422);
  });

  it('refuses more than 10 MB (413)', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1)]);
    expect((await upload(ops, big, 'big.pdf', 'other')).status).toBe(413);
  });

  it("lists a lead's documents; another OEM gets 404; a finance user 403", async () => {
    const list = await t.http().get(`/api/v1/leads/${leadId}/documents`).set('authorization', oem).expect(200);
    expect(list.body.length).toBeGreaterThanOrEqual(3);
    const stranger = `Bearer ${await t.token('oem')}`;
    expect((await t.http().get(`/api/v1/leads/${leadId}/documents`).set('authorization', stranger)).status).toBe(404);
    expect((await upload(stranger, PDF, 'a.pdf', 'other')).status).toBe(404);
    expect((await upload(ops, PDF, 'a.pdf', 'other', randomUUID())).status).toBe(404);
    expect((await t.http().get(`/api/v1/leads/${leadId}/documents`).set('authorization', `Bearer ${await t.token('finance')}`)).status).toBe(403);
    const missing = await t.http().get(`/api/v1/leads/${leadId}/documents/${randomUUID()}/content`).set('authorization', ops);
    expect(missing.status).toBe(404);
  });
});
