import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LeadsConfig } from '../config.js';
import { createDocumentStorage, LocalDiskStorage } from './document-storage.js';
import { detectDocumentContentType } from './document-content.js';

describe('document storage', () => {
  it('is the local disk by default and S3 when S3_BUCKET is set', () => {
    const base = { DOCUMENTS_DIR: '/tmp/x', S3_REGION: 'ap-south-1' } as LeadsConfig;
    expect(createDocumentStorage(base).kind).toBe('local');
    expect(createDocumentStorage({ ...base, S3_BUCKET: 'docs', S3_ENDPOINT: 'http://127.0.0.1:9000' }).kind).toBe('s3');
  });

  it('stores and streams bytes on disk, and never writes outside its root', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'docs-'));
    const storage = new LocalDiskStorage(root);
    await storage.put('lead_documents/a/b', Buffer.from('hello'));
    expect(await readFile(path.join(root, 'lead_documents/a/b'), 'utf8')).toBe('hello');
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.open('lead_documents/a/b')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
    await storage.remove('lead_documents/a/b');
    await expect(readFile(path.join(root, 'lead_documents/a/b'))).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.remove('lead_documents/a/b'); // gone already is fine
    await expect(storage.remove('../escape')).rejects.toThrow(/invalid storage key/);
  });
});

describe('detectDocumentContentType', () => {
  it('decides by content, not by name', async () => {
    expect(await detectDocumentContentType(Buffer.from('%PDF-1.4\n%%EOF\n'))).toBe('application/pdf');
    expect(await detectDocumentContentType(Buffer.from('plain text'))).toBeNull();
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), Buffer.alloc(32)]);
    expect(await detectDocumentContentType(heic)).toBe('image/heic');
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32)]);
    expect(await detectDocumentContentType(webp)).toBe('image/webp');
    // A ZIP is a real file type, but not one a lead document may have.
    expect(await detectDocumentContentType(Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Array(40).fill(0)]))).toBeNull();
  });
});
