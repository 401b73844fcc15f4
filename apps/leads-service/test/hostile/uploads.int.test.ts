import fc from 'fast-check';
import { assertHandled, assertRejected, hostileString, RUNS, sqlLooking, PROPERTY_TIMEOUT } from '../../../../test/security/hostile.js';
import { LEADS_UPLOAD_LIMIT, multipartBody, startHostileLeadsAppWithLead, TINY_PDF, type HostileLeadsApp } from './hostile-app.js';

const HEADER = 'customerName,customerPhone,addressLine1,city,state,pincode,sourceId';

/**
 * Hostile multipart against the two upload routes — lead documents and the CSV import: bad and
 * missing boundaries, truncated bodies, random file bytes, hostile form fields, files over the
 * limit, and broken CSV (unbalanced quotes, wrong columns, a BOM, 10 000 columns, binary noise).
 */
describe('leads-service uploads under hostile input (property-based, real PostgreSQL)', () => {
  let t: HostileLeadsApp;
  let ops: string;
  let sourceId: number;
  let leadId: string;

  beforeAll(async () => ({ t, ops, sourceId, leadId } = await startHostileLeadsAppWithLead('manual')), 60_000);
  afterAll(() => t?.close());
  // The service must survive each property.
  afterEach(() => t.live());

  const postRaw = (path: string, contentType: string, body: Buffer) =>
    t.http().post(path).set('authorization', `Bearer ${ops}`).set('content-type', contentType).send(body);

  const documentsPath = () => `/api/v1/leads/${leadId}/documents`;
  const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,.\-]{1,60}$/);

  /** A multipart body that is wrong in one of many ways. */
  const brokenMultipart = fc.oneof(
    // a boundary in the header that the body does not use
    // (declared as the used one plus a character, so the two can never coincide)
    boundary.map((used) => ({
      contentType: `multipart/form-data; boundary=${used}x`,
      body: multipartBody(used, [{ name: 'file', filename: 'a.pdf', value: TINY_PDF }]),
    })),
    // no boundary parameter at all, or an empty one
    fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="'),
    // truncated anywhere before the closing delimiter is complete (a body that lacks only the
    // CRLF after "--boundary--" is whole: that CRLF is optional)
    fc.tuple(boundary, fc.nat()).map(([b, cut]) => {
      const whole = multipartBody(b, [
        { name: 'documentType', value: 'electricity_bill' },
        { name: 'file', filename: 'bill.pdf', contentType: 'application/pdf', value: TINY_PDF },
      ]);
      const closing = Buffer.byteLength(`--${b}--\r\n`);
      return { contentType: `multipart/form-data; boundary=${b}`, body: whole.subarray(0, cut % (whole.length - closing + 1)) };
    }),
    // never closed
    boundary.map((b) => ({
      contentType: `multipart/form-data; boundary=${b}`,
      body: multipartBody(b, [{ name: 'file', filename: 'a.pdf', value: TINY_PDF }], { close: false }),
    })),
    // random bytes under a multipart header
    fc.tuple(boundary, fc.uint8Array({ maxLength: 2_000 })).map(([b, bytes]) => ({
      contentType: `multipart/form-data; boundary=${b}`,
      body: Buffer.from(bytes),
    })),
  ).map((value) => (typeof value === 'string' ? { contentType: value, body: multipartBody('abc', [{ name: 'x', value: 'y' }]) } : value));

  it.each([['documents', true], ['import', false]])(
    'POST %s: broken multipart (bad boundary, truncated, unclosed, noise) is a 4xx problem',
    async (_label, documents) => {
      await fc.assert(
        fc.asyncProperty(brokenMultipart, async ({ contentType, body }) => {
          const path = documents ? documentsPath() : '/api/v1/leads/import';
          const response = await postRaw(path, contentType, body);
          assertRejected(response, `${path} ${contentType} ${body.length} bytes`);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it('POST documents: hostile fields, file names and file bytes are a 4xx problem or a stored document', async () => {
    const text = fc.oneof(hostileString, fc.constantFrom('electricity_bill', 'other'));
    const fileName = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), sqlLooking, fc.constantFrom('', '../../etc/passwd', 'a\u0000b.pdf'));
    const bytes = fc.oneof(fc.constant(TINY_PDF), fc.uint8Array({ maxLength: 4_000 }).map((a) => Buffer.from(a)), fc.constant(Buffer.alloc(0)));
    await fc.assert(
      fc.asyncProperty(text, text, fileName, bytes, boundary, async (documentType, notes, filename, file, b) => {
        const body = multipartBody(b, [
          { name: 'documentType', value: documentType },
          { name: 'notes', value: notes },
          { name: 'file', filename: filename.replace(/["\r\n]/g, '_'), contentType: 'application/octet-stream', value: file },
        ]);
        const response = await postRaw(documentsPath(), `multipart/form-data; boundary=${b}`, body);
        assertHandled(response, `documents ${JSON.stringify({ documentType, filename }).slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('POST documents: a file over the 10 MB upload limit is 413 problem+json', async () => {
    const body = multipartBody('bigboundary', [
      { name: 'documentType', value: 'electricity_bill' },
      { name: 'file', filename: 'big.pdf', value: Buffer.concat([TINY_PDF, Buffer.alloc(LEADS_UPLOAD_LIMIT + 1024)]) },
    ]);
    const response = await postRaw(documentsPath(), 'multipart/form-data; boundary=bigboundary', body);
    expect(response.status).toBe(413);
    assertRejected(response, 'documents over the upload limit');
  }, 120_000);

  it('POST documents: too many parts or a JSON body instead of multipart is a 4xx problem', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'x' }));
    const many = await postRaw(documentsPath(), 'multipart/form-data; boundary=b', multipartBody('b', parts));
    assertRejected(many, 'documents with 40 parts');
    const json = await postRaw(documentsPath(), 'application/json', Buffer.from('{"documentType":"other"}'));
    assertRejected(json, 'documents as JSON');
  }, 60_000);

  /** CSV files that are wrong in one of many ways. */
  const validRow = () => `Asha Rao,+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')},12 MG Road,Bengaluru,Karnataka,560001,${sourceId}`;
  const csvCell = fc.oneof(hostileString.filter((s) => s.length < 5_000), fc.constantFrom('"', '""', '"a', 'a"b', ',', '\r', '\n'));
  const brokenCsv = fc.oneof(
    fc.array(fc.array(csvCell, { maxLength: 9 }), { maxLength: 6 }).map((rows) => [HEADER, ...rows.map((r) => r.join(','))].join('\n')),
    fc.constantFrom(
      `${HEADER}\n"Asha,+919812345678,12 MG Road,Bengaluru,Karnataka,560001,1`,
      `${HEADER}\nAsha "Rao",+919812345678,"12 MG Road,Bengaluru,Karnataka,560001,1\n`,
      'a,b,c\n1,2,3\n',
      `${HEADER},${HEADER}\n`,
      '',
      '\n\n\n',
      '\uFEFF\uFEFF' + HEADER + '\n',
      'customerName\u0000,customerPhone\n',
    ),
    fc.constant(null).map(() => `\uFEFF${HEADER}\n${validRow()}\n${validRow()},extra,columns\n`),
    fc.constant(null).map(() => `${HEADER}\n${validRow()}\n${validRow().replace('560001', "' OR 1=1 --")}\n`),
    fc.constant(null).map(() => Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',') + '\n' + 'x,'.repeat(9_999) + 'x\n'),
    fc.uint8Array({ maxLength: 3_000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );

  it('POST /api/v1/leads/import: broken CSV is a 4xx problem or a per-row report, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(brokenCsv, boundary, async (csv, b) => {
        const body = multipartBody(b, [{ name: 'file', filename: 'leads.csv', contentType: 'text/csv', value: Buffer.from(csv, 'latin1') }]);
        const response = await postRaw('/api/v1/leads/import', `multipart/form-data; boundary=${b}`, body);
        assertHandled(response, `import ${JSON.stringify(csv).slice(0, 300)}`);
        if (response.status === 200) {
          for (const row of response.body.rows) expect(['created', 'duplicate', 'invalid']).toContain(row.status);
        }
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('POST /api/v1/leads/import: a file without a file part is 422 naming `file`', async () => {
    const response = await postRaw('/api/v1/leads/import', 'multipart/form-data; boundary=b', multipartBody('b', [{ name: 'notes', value: 'x' }]));
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain('file');
  });
});
