import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory, type NestApplicationContext, Reflector } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { kafkaConsumerOptions, type KafkaSettings } from './kafka.js';
import { KeyOrderedKafkaServer } from './kafka-batch-server.js';
import { correlationIdFor } from './logging.js';
import { MediaTypeInterceptor } from './media-type.js';
import { httpRequestDuration } from './metrics.js';
import { buildOpenApiDocument, serveOpenApi } from './openapi.js';
import { createValidationPipe, toProblem } from './problem.js';
import { RejectUnsafeTextPipe } from './text-safety.js';
import { traceHttpRequests } from './tracing.js';

export interface ServiceAppOptions {
  name: string;
  description: string;
  /** Largest accepted request body in bytes (uploads have their own limit). */
  bodyLimit?: number;
  /** Largest accepted multipart file in bytes; multipart is off when unset. */
  uploadLimit?: number;
  /** The Kafka consumer of this hybrid app, if it consumes. */
  consumer?: KafkaSettings & { groupId: string };
  /** Requests per minute per client IP on every route but health and metrics (default 1200). */
  rateLimitPerMinute?: number;
  /** Silences Nest's own bootstrap logs (tests). */
  quiet?: boolean;
}

/** Builds a configured (not yet listening) Fastify-based Nest app: the same for `main.ts` and for tests. */
export async function createServiceApp(module: Type | DynamicModule, options: ServiceAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: true,
    // A "__proto__" or "constructor.prototype" key is dropped while parsing rather than failing the
    // parse: the body can never pollute a prototype either way, and a webhook's signature guard
    // still sees every unsigned request first (403, not a parser's 400).
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // Errors the router raises before Nest sees the request (a malformed URL, an over-long path
    // parameter) leave as problem+json too, like every other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const problem = { ...toProblem(error), instance: request.url.split('?')[0].slice(0, 200) };
      void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    rawBody: true,
    ...(options.quiet ? { logger: false } : {}),
  });
  if (!options.quiet) app.useLogger(app.get(Logger));
  app.useGlobalPipes(new RejectUnsafeTextPipe(), createValidationPipe());
  app.useGlobalInterceptors(new MediaTypeInterceptor(app.get(Reflector)));

  // The docs UI needs inline scripts; everything else gets helmet's strict defaults.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 1_200,
    timeWindow: 60_000,
    allowList: (request) => /^\/(health|metrics)/.test(request.url),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `Rate limit exceeded: ${context.max} requests per minute; retry in ${context.after}`,
    }),
  });
  if (options.uploadLimit) {
    await app.register(multipart, { limits: { fileSize: options.uploadLimit, files: 1, fields: 10, parts: 12 } });
  }
  const fastify = app.getHttpAdapter().getInstance();
  traceHttpRequests(fastify, correlationIdFor);
  fastify.addHook('onResponse', async (request, reply) => {
    httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  if (options.consumer) {
    app.connectMicroservice<MicroserviceOptions>(
      { strategy: new KeyOrderedKafkaServer(kafkaConsumerOptions(options.consumer).options!) },
      { inheritAppConfig: true },
    );
  }
  serveOpenApi(app, buildOpenApiDocument(app, options.name, options.description));
  return app;
}

/**
 * On SIGTERM/SIGINT: stop taking requests and messages, let in-flight ones finish, leave the consumer
 * group, close connections — then exit 0; exit 1 if that takes longer than `timeoutMs`.
 */
function exitGracefullyOnSignals(app: NestFastifyApplication, timeoutMs: number): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    setTimeout(() => {
      console.error(`shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    // The Fastify app's type hides close(signal), which passes the signal on to shutdown hooks.
    (app as unknown as NestApplicationContext)
      .close(signal)
      .then(() => process.exit(0))
      .catch((error) => {
        console.error('shutdown failed', error);
        process.exit(1);
      });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, shutdown);
}

/** Starts a service: consumer, then HTTP, and says where it listens; shuts down gracefully on signals. */
export async function startService(
  module: Type | DynamicModule,
  options: ServiceAppOptions & { port: number; host?: string; shutdownTimeoutMs?: number },
): Promise<NestFastifyApplication> {
  const app = await createServiceApp(module, options);
  exitGracefullyOnSignals(app, options.shutdownTimeoutMs ?? 10_000);
  await app.startAllMicroservices();
  const host = options.host ?? '0.0.0.0';
  await app.listen(options.port, host);
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  app
    .get(Logger)
    .log(`${options.name} listening on http://${shown}:${options.port} (docs: /docs, health: /health/ready)`);
  return app;
}
