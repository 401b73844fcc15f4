import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export { SpanKind };

/** The OTEL_* settings a service's config carries (names as in the OpenTelemetry specification). */
export interface TracingSettings {
  /** `service.name` of every span; the service's own name when unset. */
  OTEL_SERVICE_NAME?: string;
  /** `true`: no SDK (no spans, nothing exported); an incoming trace context still passes through unchanged. */
  OTEL_SDK_DISABLED?: boolean;
  /** OTLP/HTTP base URL (`/v1/traces` is appended); spans are exported only when this or the next is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** OTLP/HTTP traces URL, used as is. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
}

/** The running tracing setup of this process. */
export interface Tracing {
  /** Exports what is buffered (on shutdown; tests). */
  flush(): Promise<void>;
}

const TRACER_NAME = 'chargesol';
const w3c = new W3CTraceContextPropagator();
/** Extra log fields (eventId, correlationId) of a consumed message, read by the log mixin. */
const LOG_FIELDS = createContextKey('chargesol.log-fields');
let running: Tracing | undefined;

/**
 * Sets up OpenTelemetry once per process: the AsyncLocalStorage context manager, the W3C trace
 * context propagator and — unless OTEL_SDK_DISABLED — a tracer provider exporting over OTLP/HTTP
 * when an endpoint is configured (or to `exporter`, in tests). Later calls return the first setup.
 */
export function startTracing(service: string, settings: TracingSettings = {}, exporter?: SpanExporter): Tracing {
  if (running) return running;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(w3c);
  if (settings.OTEL_SDK_DISABLED) {
    running = { flush: async () => undefined };
    return running;
  }
  const url =
    settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (settings.OTEL_EXPORTER_OTLP_ENDPOINT ? `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  const spanProcessors: SpanProcessor[] = [];
  if (url) spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) }));
  if (exporter) spanProcessors.push(new SimpleSpanProcessor({ exporter }));
  // Without an exporter spans are still sampled and get ids: they correlate logs across services.
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.OTEL_SERVICE_NAME ?? service }),
    spanProcessors,
  });
  trace.setGlobalTracerProvider(provider);
  running = { flush: () => provider.forceFlush() };
  return running;
}

/** Kafka / HTTP header values as the carriers hand them over. */
type HeaderValue = string | Buffer | (string | Buffer)[] | undefined;

function firstString(value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The context a `traceparent` (and optional `tracestate`) continues; an absent or invalid one gives the root context. */
export function contextFromTraceparent(traceparent: string | undefined | null, tracestate?: string): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, { traceparent, ...(tracestate ? { tracestate } : {}) }, {
    get: (carrier, key) => carrier[key as keyof typeof carrier],
    keys: (carrier) => Object.keys(carrier),
  });
}

/** The context carried by message or request headers (`traceparent`, `tracestate`). */
export function contextFromHeaders(headers: Record<string, HeaderValue>): Context {
  return contextFromTraceparent(firstString(headers.traceparent), firstString(headers.tracestate));
}

/** The `traceparent` of a context (the active one by default); undefined when it has no valid span. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (target, key, value) => void (target[key] = value) });
  return carrier.traceparent;
}

/** A well-formed `traceparent`, normalised, or undefined: for values read from outside (messages, headers). */
export function validTraceparent(value: string | undefined | null): string | undefined {
  return traceparentOf(contextFromTraceparent(value));
}

/** `traceparent` (and `tracestate`) headers for an outgoing request in the active context; empty without one. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** The trace id inside a `traceparent`, or undefined. */
export function traceIdOf(traceparent: string | undefined | null): string | undefined {
  return trace.getSpanContext(contextFromTraceparent(traceparent))?.traceId;
}

export interface SpanOptions {
  kind: SpanKind;
  /** The parent: a context, or a stored `traceparent`; the active context when omitted. */
  parent?: Context | string | null;
  attributes?: Attributes;
  /** Fields every log line inside the span carries (eventId, correlationId). */
  logFields?: Record<string, string>;
}

/**
 * Runs `work` inside a new span (active for everything it awaits), ends the span when it settles,
 * and marks it failed when `work` throws.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent =
    options.parent === undefined
      ? context.active()
      : typeof options.parent === 'string' || options.parent === null
        ? contextFromTraceparent(options.parent)
        : options.parent;
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  let active = trace.setSpan(parent, span);
  if (options.logFields) active = active.setValue(LOG_FIELDS, options.logFields);
  try {
    return await context.with(active, () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed without an exception (a message dead-lettered, a 5xx answered). */
export function markFailed(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Trace id, span id and the span's log fields of the active context, for every log line (pino mixin). */
export function activeLogFields(): Record<string, string> {
  const active = context.active();
  const spanContext = trace.getSpanContext(active);
  if (!spanContext) return {};
  const extra = active.getValue(LOG_FIELDS) as Record<string, string> | undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId, ...extra };
}

const requestSpans = new WeakMap<object, { span: Span; ctx: Context; correlationId: string }>();

/** Trace id, span id and correlation id of an HTTP request, for its access-log line (written after the response). */
export function requestLogFields(rawRequest: object): Record<string, string> {
  const entry = requestSpans.get(rawRequest);
  if (!entry) return {};
  const { traceId, spanId } = entry.span.spanContext();
  return { traceId, spanId, correlationId: entry.correlationId };
}

const UNTRACED = /^\/(health|metrics)/;

/**
 * A server span per HTTP request, continuing an incoming `traceparent`: started when the request
 * arrives, active for the route handler (guards, pipes, services), ended with the response. The
 * request's correlation id (`x-correlation-id`, echoed on the response) rides in the same context,
 * so every log line of the request carries both.
 */
export function traceHttpRequests(
  fastify: FastifyInstance,
  correlationIdFor: (req: IncomingMessage, res: ServerResponse) => string,
): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    if (UNTRACED.test(request.url)) return done();
    const correlationId = correlationIdFor(request.raw, reply.raw);
    reply.raw.setHeader('x-correlation-id', correlationId);
    const parent = contextFromHeaders(request.headers);
    const route = request.routeOptions.url;
    const span = trace.getTracer(TRACER_NAME).startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0].slice(0, 200),
          ...(route ? { 'http.route': route } : {}),
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span).setValue(LOG_FIELDS, { correlationId });
    requestSpans.set(request.raw, { span, ctx, correlationId });
    context.with(ctx, done);
  });
  // Body parsing loses the async context; re-enter the span's context right before the handler.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const entry = requestSpans.get(request.raw);
    if (!entry) return done();
    context.with(entry.ctx, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const entry = requestSpans.get(request.raw);
    if (entry) {
      entry.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) markFailed(entry.span, `HTTP ${reply.statusCode}`);
      entry.span.end();
    }
    done();
  });
}
