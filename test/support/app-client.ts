import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { Role } from '#contracts';
import { signDevToken } from '#platform/auth';

/** What a test needs of a service started in-process: supertest, dev tokens, a liveness probe, and close. */
export interface AppClient {
  http: () => ReturnType<typeof request>;
  token: (role: Role, sub?: string) => Promise<string>;
  /** Throws unless /health/live answers 200: the process survived what the test sent. */
  live: () => Promise<void>;
  close: () => Promise<void>;
}

/** An `AppClient` over an initialised app, its tokens signed with the service's JWT secret. */
export function appClient(app: NestFastifyApplication, jwtSecret: string): AppClient {
  const http = () => request(app.getHttpServer());
  return {
    http,
    token: (role, sub = randomUUID()) => signDevToken(jwtSecret, { sub, role, name: role }),
    live: async () => {
      const response = await http().get('/health/live');
      if (response.status !== 200) throw new Error(`/health/live answered ${response.status}`);
    },
    close: () => app.close(),
  };
}
