import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import {
  activeLogFields,
  contextFromHeaders,
  contextFromTraceparent,
  inSpan,
  SpanKind,
  startTracing,
  traceHeaders,
  traceIdOf,
  traceparentOf,
  validTraceparent,
} from './tracing.js';

const exporter = new InMemorySpanExporter();
startTracing('tracing-spec', {}, exporter);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('trace context helpers', () => {
  beforeEach(() => exporter.reset());

  it('round-trips a traceparent through extract and inject', () => {
    expect(traceparentOf(contextFromTraceparent(INCOMING))).toBe(INCOMING);
    expect(traceIdOf(INCOMING)).toBe(TRACE_ID);
    expect(traceparentOf(contextFromHeaders({ traceparent: Buffer.from(INCOMING) }))).toBe(INCOMING);
  });

  it.each([
    ['garbage', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`],
    ['a too long value', `${INCOMING}${'x'.repeat(500)}`],
  ])('ignores %s', (_what, value) => {
    expect(validTraceparent(value)).toBeUndefined();
    expect(traceIdOf(value)).toBeUndefined();
    expect(trace.getSpanContext(contextFromTraceparent(value))).toBeUndefined();
  });

  it('gives nothing to inject outside any span', () => {
    expect(traceparentOf()).toBeUndefined();
    expect(traceHeaders()).toEqual({});
    expect(activeLogFields()).toEqual({});
  });

  it('runs work in a child span of a stored traceparent, active across awaits, with its log fields', async () => {
    const seen = await inSpan('process test', { kind: SpanKind.CONSUMER, parent: INCOMING, logFields: { eventId: 'e-1' } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { headers: traceHeaders(), fields: activeLogFields() };
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(seen.headers.traceparent).toBe(`00-${TRACE_ID}-${span.spanContext().spanId}-01`);
    expect(seen.fields).toEqual({ traceId: TRACE_ID, spanId: span.spanContext().spanId, eventId: 'e-1' });
    expect(traceparentOf()).toBeUndefined();
  });

  it('starts a new trace for an invalid parent and marks a failed span', async () => {
    await expect(
      inSpan('send sms', { kind: SpanKind.CLIENT, parent: 'garbage' }, async () => {
        throw new Error('gateway down');
      }),
    ).rejects.toThrow('gateway down');
    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(TRACE_ID);
    expect(span.status).toMatchObject({ code: 2, message: 'gateway down' });
  });
});
