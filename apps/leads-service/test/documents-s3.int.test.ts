import { createHash, randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EntityManager } from '@mikro-orm/postgresql';
import { S3Simulator } from './support/s3-simulator.js';
import { createSource, leadBody, startLeadsApp, type TestApp } from './support.js';

// The S3 driver, end to end: leads-service signs real SigV4 requests to a path-style S3 server.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const BUCKET = 'chargesol-documents-test';
const ACCESS_KEY = 'AKIATESTLEADSDOCS';
const SECRET = 'test-secret-for-the-s3-simulator';
const REGION = 'ap-south-1';
const CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let s3: S3Simulator;
let endpoint: string;
let client: S3Client;
let t: TestApp;
let ops: string;
let leadId: string;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  s3 = new S3Simulator(ACCESS_KEY, SECRET, REGION);
  endpoint = await s3.start();
  // The driver takes credentials from the AWS default chain; the environment is its first link.
  for (const name of CREDENTIAL_ENV) savedEnv[name] = process.env[name];
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  client = new S3Client({ region: REGION, endpoint, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  t = await startLeadsApp({ env: { S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_REGION: REGION } });
  ops = `Bearer ${await t.token('central_ops')}`;
  const oem = `Bearer ${await t.token('oem', randomUUID())}`;
  const source = await createSource(t);
  leadId = (await t.http().post('/api/v1/leads').set('authorization', oem).send(leadBody(source.id)).expect(201)).body.id;
}, 60_000);

afterAll(async () => {
  await t?.close();
  client?.destroy();
  await s3?.stop();
  for (const name of CREDENTIAL_ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
}, 30_000);

const upload = (file: Buffer, name: string) =>
  t
    .http()
    .post(`/api/v1/leads/${leadId}/documents`)
    .set('authorization', ops)
    .field('documentType', 'location_photo')
    .attach('file', file, { filename: name, contentType: 'application/octet-stream' });

const download = (documentId: string) =>
  t
    .http()
    .get(`/api/v1/leads/${leadId}/documents/${documentId}/content`)
    .set('authorization', ops)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

describe('lead documents on S3-compatible storage', () => {
  it('the simulator refuses a request signed with the wrong secret (so acceptance below means a valid signature)', async () => {
    const wrong = new S3Client({
      region: REGION,
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'not-the-secret' },
    });
    await expect(wrong.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'anything' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    wrong.destroy();
    expect(s3.rejected.at(-1)?.code).toBe('SignatureDoesNotMatch');
  });

  it.each([
    ['PDF', PDF, 'application/pdf'],
    ['PNG', PNG, 'image/png'],
  ])('stores an uploaded %s in the bucket with its bytes and content type, and streams it back', async (_kind, bytes, type) => {
    const response = await upload(bytes, 'file.bin');
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ leadId, contentType: type, sizeBytes: bytes.length, sha256: sha(bytes) });
    const key = `lead_documents/${leadId}/${response.body.id}`;

    // What the server holds, seen directly and through an independent signed client.
    const stored = s3.object(BUCKET, key);
    expect(stored).toBeDefined();
    expect(sha(stored!.body)).toBe(sha(bytes));
    expect(stored!.contentType).toBe(type);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head).toMatchObject({ ContentType: type, ContentLength: bytes.length });
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(sha(Buffer.from(await object.Body!.transformToByteArray()))).toBe(sha(bytes));

    const content = await download(response.body.id);
    expect(content.status).toBe(200);
    expect(content.headers['content-type']).toBe(type);
    expect(sha(content.body as Buffer)).toBe(sha(bytes));
    expect(s3.accepted).toContain(`GET /${BUCKET}/${key}`);
  });

  it('when the store refuses the bytes, the upload is a 503 and no document row points at a missing object', async () => {
    const objects = s3.buckets.get(BUCKET)!;
    const before = (await t.http().get(`/api/v1/leads/${leadId}/documents`).set('authorization', ops).expect(200)).body.length;
    s3.buckets.delete(BUCKET); // the next PutObject gets NoSuchBucket
    try {
      const response = await upload(PDF, `lost-${randomUUID()}.pdf`);
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body.code).toBe('document.storage_unavailable');
      expect(response.text).not.toContain(BUCKET);
      expect(s3.rejected.at(-1)?.code).toBe('NoSuchBucket');
    } finally {
      s3.buckets.set(BUCKET, objects);
    }
    const after = await t.http().get(`/api/v1/leads/${leadId}/documents`).set('authorization', ops).expect(200);
    expect(after.body.length).toBe(before);
  });

  it('when the document row cannot be written after the bytes were stored, the bytes are removed again', async () => {
    const em = t.app.get(EntityManager).fork();
    const before = s3.buckets.get(BUCKET)!.size;
    // A constraint no new row can meet (NOT VALID: existing rows are not checked) fails the commit.
    await em.execute('alter table lead_documents add constraint test_refuses_uploads check (size_bytes < 0) not valid');
    try {
      const response = await upload(PNG, 'orphan.png');
      expect(response.status).toBe(500);
    } finally {
      await em.execute('alter table lead_documents drop constraint test_refuses_uploads');
    }
    expect(s3.accepted.filter((request) => request.startsWith(`PUT /${BUCKET}/lead_documents/${leadId}/`)).length).toBeGreaterThan(0);
    expect(s3.accepted.at(-1)).toMatch(new RegExp(`^DELETE /${BUCKET}/lead_documents/${leadId}/`));
    expect(s3.buckets.get(BUCKET)!.size).toBe(before);
  });

  it('a document whose object vanished from the store answers a 500 problem that names neither bucket nor key', async () => {
    const response = await upload(PNG, 'gone.png');
    expect(response.status).toBe(201);
    const key = `lead_documents/${leadId}/${response.body.id}`;
    s3.buckets.get(BUCKET)!.delete(key);
    const content = await t.http().get(`/api/v1/leads/${leadId}/documents/${response.body.id}/content`).set('authorization', ops);
    expect(content.status).toBe(500);
    expect(content.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(content.text).not.toContain(BUCKET);
    expect(content.text).not.toContain('NoSuchKey');
    expect(s3.rejected.at(-1)).toMatchObject({ method: 'GET', code: 'NoSuchKey' });
  });
});
