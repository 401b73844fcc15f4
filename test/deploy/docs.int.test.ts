import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { buildAsyncApiDocument } from '../../libs/contracts/src/asyncapi.js';
import { createServiceApp } from '../../libs/platform/src/bootstrap.js';
import { LeadsAppModule } from '../../apps/leads-service/src/app.module.js';
import { loadLeadsConfig } from '../../apps/leads-service/src/config.js';
import { NotificationsAppModule } from '../../apps/notifications-service/src/app.module.js';
import { loadNotificationsConfig } from '../../apps/notifications-service/src/config.js';
import { openApiServices, renderAsyncApiYaml } from '../../deploy/scripts/docs-render.mjs';
import { renderOverlay, ROOT } from './k8s-render.js';

const modules: Record<string, () => DynamicModule> = {
  'leads-service': () => LeadsAppModule.register(loadLeadsConfig()),
  'notifications-service': () => NotificationsAppModule.register(loadNotificationsConfig()),
};
const regenerate = 'regenerate with: node_modules/node/bin/node deploy/scripts/generate-docs.mjs';

describe('docs/asyncapi.yaml', () => {
  it(`is byte for byte what libs/contracts generates (${regenerate} asyncapi)`, () => {
    const committed = readFileSync(path.join(ROOT, 'docs/asyncapi.yaml'), 'utf8');
    expect(committed).toBe(renderAsyncApiYaml(buildAsyncApiDocument()));
  });
});

describe.each(openApiServices)('$name served at /docs and committed under docs/openapi', (service) => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createServiceApp(modules[service.name]!(), {
      name: service.name,
      description: service.description,
      quiet: true,
      ...service.options,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is built with the name and description main.ts starts the service with', () => {
    const main = readFileSync(path.join(ROOT, 'apps', service.name, 'src/main.ts'), 'utf8');
    expect(main).toContain(`name: '${service.name}'`);
    expect(main).toContain(`description: '${service.description}'`);
  });

  it(`/docs-json equals the committed docs/openapi/${service.name}.json (${regenerate} openapi)`, async () => {
    const file = path.join(ROOT, 'docs/openapi', `${service.name}.json`);
    expect(existsSync(file)).toBe(true);
    const live = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(live.body.openapi).toMatch(/^3\./);
    expect(live.body.info.title).toBe(service.name);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(live.body);
  });

  it('serves a valid OpenAPI 3.0 document (official JSON Schema) with problem+json errors on every /api route', async () => {
    const live = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const validator = new Validator();
    const result = await validator.validate(live.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect((await new Validator().validate({ ...live.body, paths: { '/x': { get: { responses: 'none' } } } })).valid).toBe(false);
    for (const [route, item] of Object.entries(live.body.paths as Record<string, Record<string, any>>)) {
      if (!route.startsWith('/api/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
        expect(`${method} ${route}: ${errors.map(([status]) => status).join(',')}`).toMatch(/401,403.*500/);
        for (const [, response] of errors) {
          expect((response as any).content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    }
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const ui = await request(app.getHttpServer()).get('/docs').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers the Kubernetes probes of both overlays on real routes', async () => {
    for (const overlay of ['dev', 'prod'] as const) {
      const deployment = renderOverlay(overlay).find((o) => o.kind === 'Deployment' && o.metadata.name === service.name)!;
      const container = deployment.spec.template.spec.containers[0];
      const live = container.livenessProbe.httpGet.path;
      const ready = container.readinessProbe.httpGet.path;
      await request(app.getHttpServer()).get(live).expect(200);
      await request(app.getHttpServer()).get(container.startupProbe.httpGet.path).expect(200);
      // npm test provides PostgreSQL and Kafka, so the service is ready.
      await request(app.getHttpServer()).get(ready).expect(200);
    }
  });
});
