import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { Role } from '#contracts';
import { signDevToken } from '#platform/auth';
import { createServiceApp } from '#platform/bootstrap';
import { LeadsAppModule } from '../../src/app.module.js';
import { loadLeadsConfig, type LeadsConfig } from '../../src/config.js';

/** The body and upload limits of main.ts, so the hostile suite meets the same edges as production. */
export const LEADS_BODY_LIMIT = 12 * 1024 * 1024;
export const LEADS_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** A leads-service as main.ts builds it, with the rate limit lifted so property runs are not throttled. */
export interface HostileLeadsApp {
  app: NestFastifyApplication;
  config: LeadsConfig;
  http: () => ReturnType<typeof request>;
  token: (role: Role, sub?: string) => Promise<string>;
  live: () => Promise<void>;
  close: () => Promise<void>;
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
  const http = () => request(app.getHttpServer());
  return {
    app,
    config,
    http,
    token: (role, sub = randomUUID()) => signDevToken(config.AUTH_JWT_SECRET, { sub, role, name: role }),
    live: async () => {
      const response = await http().get('/health/live');
      if (response.status !== 200) throw new Error(`/health/live answered ${response.status}`);
    },
    close: () => app.close(),
  };
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
