import { pino } from 'pino';
import { maskEmail, maskPhone, traceLogFields } from './logging.js';
import { inSpan, SpanKind, startTracing } from './tracing.js';

describe('PII masking', () => {
  it('keeps only the country code and last four digits of a phone', () => {
    expect(maskPhone('+919812345678')).toBe('+91******5678');
  });

  it('keeps only the first letter and the domain of an email', () => {
    expect(maskEmail('asha.rao@example.com')).toBe('a***@example.com');
  });
});

describe('trace fields on log lines', () => {
  const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  startTracing('logging-spec');

  function capture() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ mixin: traceLogFields }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  it('adds trace id, span id, event id and correlation id inside a consumed message', async () => {
    const { logger, lines } = capture();
    await inSpan('process t', { kind: SpanKind.CONSUMER, parent: TRACEPARENT, logFields: { eventId: 'e-1', correlationId: 'c-1' } }, async (span) => {
      await Promise.resolve();
      logger.info({ leadId: 'l-1' }, 'inside');
      expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', eventId: 'e-1', correlationId: 'c-1', leadId: 'l-1' });
    expect(lines[0].spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(lines[1]).not.toHaveProperty('traceId');
  });
});
