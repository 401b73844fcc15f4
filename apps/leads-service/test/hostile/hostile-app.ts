import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '#platform/bootstrap';
import { appClient, type AppClient } from '../../../../test/support/app-client.js';
import { LeadsAppModule } from '../../src/app.module.js';
import { loadLeadsConfig, type LeadsConfig } from '../../src/config.js';
import { leadBody } from '../support.js';

/** The body and upload limits of main.ts, so the hostile suite meets the same edges as production. */
export const LEADS_BODY_LIMIT = 12 * 1024 * 1024;
export const LEADS_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** A leads-service as main.ts builds it, with the rate limit lifted so property runs are not throttled. */
export interface HostileLeadsApp extends AppClient {
  app: NestFastifyApplication;
  config: LeadsConfig;
}

export async function startHostileLeadsApp(): Promise<HostileLeadsApp> {
  const config = loadLeadsConfig(process.env);
  const app = await createServiceApp(LeadsAppModule.register(config), {
    name: 'leads-service',
    description: 'hostile input',
    quiet: true,
    uploadLimit: LEADS_UPLOAD_LIMIT,
    bodyLimit: LEADS_BODY_LIMIT,
    rateLimitPerMinute: 1_000_000,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, ...appClient(app, config.AUTH_JWT_SECRET) };
}

/** A lead source of `sourceType` and one lead of `oemId` in it, created through the API as `bearer`. */
export async function seedLead(t: HostileLeadsApp, bearer: string, sourceType: string, oemId: string): Promise<{ sourceId: number; leadId: string }> {
  const source = await t.http().post('/api/v1/lead-sources').set('authorization', bearer).send({ name: `Hostile ${randomUUID()}`, sourceType }).expect(201);
  const lead = await t.http().post('/api/v1/leads').set('authorization', bearer).send(leadBody(source.body.id, { oemId })).expect(201);
  return { sourceId: source.body.id, leadId: lead.body.id };
}

/** A hostile app, a central_ops token, and a lead (of a random OEM) in a new source of `sourceType`. */
export async function startHostileLeadsAppWithLead(sourceType: string): Promise<{ t: HostileLeadsApp; ops: string; sourceId: number; leadId: string }> {
  const t = await startHostileLeadsApp();
  const ops = await t.token('central_ops');
  return { t, ops, ...(await seedLead(t, `Bearer ${ops}`, sourceType, randomUUID())) };
}

/** A multipart/form-data body built by hand, so that it can also be built wrong. */
export function multipartBody(
  boundary: string,
  parts: { name: string; filename?: string; contentType?: string; value: Buffer | string }[],
  options: { close?: boolean } = {},
): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.contentType ? `Content-Type: ${part.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The smallest bytes a PDF sniffer accepts. */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
