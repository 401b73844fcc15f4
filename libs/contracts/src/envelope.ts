import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** A CloudEvents 1.0 JSON envelope, the value of every message on every topic. */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).optional(),
  datacontenttype: z.literal('application/json').optional(),
  data: z.unknown(),
  /** W3C trace context extension (CloudEvents distributed tracing). */
  traceparent: z.string().optional(),
});

export type CloudEvent<TType extends string = string, TData = unknown> = Omit<
  z.infer<typeof cloudEventSchema>,
  'type' | 'data'
> & { type: TType; data: TData };

/** Builds an envelope with a fresh id and the current time. */
export function createCloudEvent<TType extends string, TData>(input: {
  source: string;
  type: TType;
  subject: string;
  data: TData;
  id?: string;
  time?: Date;
  traceparent?: string;
}): CloudEvent<TType, TData> {
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    time: (input.time ?? new Date()).toISOString(),
    subject: input.subject,
    datacontenttype: 'application/json',
    data: input.data,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
  };
}

/** Formats zod issues as `path: message; …`, so a rejected event names the field. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
