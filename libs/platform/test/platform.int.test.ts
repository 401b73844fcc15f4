import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { defineEntity, p } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { defineConfig } from '@mikro-orm/postgresql';
import { ApiConsumes } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import request from 'supertest';
import { CurrentUser, Public, Roles, signDevToken, type Principal } from '../src/auth.js';
import { createServiceApp } from '../src/bootstrap.js';
import { DomainError } from '../src/problem.js';
import { PlatformModule } from '../src/platform.module.js';

/** A table-less probe entity: MikroORM wants one entity; health checks only need the connection. */
const ProbeSchema = defineEntity({ name: 'PlatformProbe', properties: { id: p.integer().primary() } });

class EchoDto {
  @IsString()
  @Matches(/^[1-9][0-9]{5}$/, { message: 'pincode must be 6 digits' })
  pincode!: string;
}

@Controller('api/v1/probe')
class ProbeController {
  @Get('me')
  me(@CurrentUser() user: Principal) {
    return user;
  }

  @Roles('central_ops')
  @Post('echo')
  echo(@Body() body: EchoDto) {
    return body;
  }

  /** A form-encoded route, as Twilio's webhooks are: declared with @ApiConsumes, so forms pass and JSON does not. */
  @Roles('central_ops')
  @Post('form')
  @ApiConsumes('application/x-www-form-urlencoded')
  form(@Body() body: Record<string, unknown>) {
    return body;
  }

  @Get('conflict')
  conflict() {
    throw new DomainError('conflict', 'probe.conflict', 'Probe conflict');
  }

  @Get('boom')
  boom() {
    throw new Error('secret internals');
  }

  @Get('items/:id')
  item(@Param('id') id: string) {
    return { id };
  }

  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }
}

const secret = 'chargesol-dev-only-secret-change-me-in-production';

function probeModule(brokers: string[]) {
  @Module({
    imports: [
      PlatformModule.forRoot({
        service: 'platform-probe',
        logLevel: 'silent',
        kafka: { clientId: 'platform-probe', brokers },
        auth: { jwtSecret: secret },
      }),
      MikroOrmModule.forRoot(
        defineConfig({ clientUrl: process.env.LEADS_DATABASE_URL, entities: [ProbeSchema], pool: { min: 0, max: 2 } }),
      ),
    ],
    controllers: [ProbeController],
  })
  class ProbeAppModule {}
  return ProbeAppModule;
}

async function startApp(brokers: string[]): Promise<NestFastifyApplication> {
  const app = await createServiceApp(probeModule(brokers), { name: 'probe', description: 'probe', quiet: true });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('platform wiring (real PostgreSQL and Kafka)', () => {
  let app: NestFastifyApplication;
  const token = (role: Principal['role']) => signDevToken(secret, { sub: randomUUID(), role, name: role });

  beforeAll(async () => {
    app = await startApp((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','));
  });
  afterAll(() => app.close());

  it('is live and ready when the database and Kafka answer', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect(ready.body).toMatchObject({ status: 'ok' });
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
  });

  it('refuses a request without a token, or with a bad one, with 401 problem+json', async () => {
    const none = await request(app.getHttpServer()).get('/api/v1/probe/me').expect(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    await request(app.getHttpServer()).get('/api/v1/probe/me').set('authorization', 'Bearer nope').expect(401);
  });

  it('gives the verified principal to the route', async () => {
    const response = await request(app.getHttpServer())
      .get('/api/v1/probe/me')
      .set('authorization', `Bearer ${await token('field_team')}`)
      .expect(200);
    expect(response.body.role).toBe('field_team');
  });

  it('answers 403 to a role the route does not serve', async () => {
    await request(app.getHttpServer())
      .post('/api/v1/probe/echo')
      .set('authorization', `Bearer ${await token('oem')}`)
      .send({ pincode: '560001' })
      .expect(403);
  });

  it('answers 422 naming the field for invalid input, and rejects unknown fields', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/probe/echo')
      .set('authorization', `Bearer ${await token('central_ops')}`)
      .send({ pincode: '12', extra: true })
      .expect(422);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['pincode', 'extra']));
  });

  it('answers 400 problem+json for a body that is not JSON', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/probe/echo')
      .set('authorization', `Bearer ${await token('central_ops')}`)
      .set('content-type', 'application/json')
      .send('{"pincode":')
      .expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 415 problem+json to a form or multipart body on a JSON route, as to any other non-JSON body', async () => {
    const auth = `Bearer ${await token('central_ops')}`;
    const form = await request(app.getHttpServer()).post('/api/v1/probe/echo').set('authorization', auth).type('form').send({ pincode: '560001' });
    expect(form.status).toBe(415);
    expect(form.headers['content-type']).toContain('application/problem+json');
    expect(form.body).toMatchObject({ status: 415, title: 'Unsupported Media Type', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    const multipart = await request(app.getHttpServer()).post('/api/v1/probe/echo').set('authorization', auth).field('pincode', '560001');
    expect(multipart.status).toBe(415);
    const text = await request(app.getHttpServer()).post('/api/v1/probe/echo').set('authorization', auth).set('content-type', 'text/plain').send('pincode=560001');
    expect(text.body).toMatchObject({ status: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
  });

  it('takes a form on a route that declares it (@ApiConsumes), and refuses JSON there', async () => {
    const auth = `Bearer ${await token('central_ops')}`;
    const form = await request(app.getHttpServer()).post('/api/v1/probe/form').set('authorization', auth).type('form').send({ MessageStatus: 'delivered' });
    expect([form.status, form.body]).toEqual([201, { MessageStatus: 'delivered' }]);
    const json = await request(app.getHttpServer()).post('/api/v1/probe/form').set('authorization', auth).send({ MessageStatus: 'delivered' });
    expect(json.status).toBe(415);
  });

  it.each(['null', '[]', '[{"pincode":"560001"}]', '42', '"560001"', 'true'])('answers 422 naming the body to the JSON body %s where an object is expected', async (body) => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/probe/echo')
      .set('authorization', `Bearer ${await token('central_ops')}`)
      .set('content-type', 'application/json')
      .send(body);
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('answers an over-long path parameter with problem+json, not the router\'s own error', async () => {
    const response = await request(app.getHttpServer())
      .get(`/api/v1/probe/items/${'a'.repeat(500)}`)
      .set('authorization', `Bearer ${await token('central_ops')}`);
    expect(response.status).toBe(414);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' });
  });

  it('maps domain errors by kind and hides unexpected errors behind an errorId', async () => {
    const auth = `Bearer ${await token('central_ops')}`;
    const conflict = await request(app.getHttpServer()).get('/api/v1/probe/conflict').set('authorization', auth);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('probe.conflict');
    const boom = await request(app.getHttpServer()).get('/api/v1/probe/boom').set('authorization', auth);
    expect(boom.status).toBe(500);
    expect(JSON.stringify(boom.body)).not.toContain('secret internals');
    expect(boom.body.errorId).toBeDefined();
  });

  it('serves Prometheus metrics, OpenAPI and security headers without a token', async () => {
    await request(app.getHttpServer()).get('/api/v1/probe/public').expect(200);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
    const docs = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toContain('/api/v1/probe/echo');
    const ui = await request(app.getHttpServer()).get('/docs').expect(200);
    expect(ui.headers['x-content-type-options']).toBe('nosniff');
  });

  it('reports not ready (503) when Kafka cannot be reached', async () => {
    const isolated = await startApp(['127.0.0.1:1']);
    try {
      const response = await request(isolated.getHttpServer()).get('/health/ready').expect(503);
      expect(response.body.error).toMatchObject({ kafka: { status: 'down' } });
    } finally {
      await isolated.close();
    }
  }, 20_000);
});
