import { defineEntity, p } from '@mikro-orm/core';

/** An `Idempotency-Key` a caller used to create a lead, so a retry returns the same lead. */
export class IdempotencyKey {
  principalId!: string;
  key!: string;
  /** SHA-256 of the request body: the same key with another body is a client bug (409). */
  requestHash!: string;
  leadId!: string;
  createdAt: Date = new Date();
}

export const IdempotencyKeySchema = defineEntity({
  class: IdempotencyKey,
  tableName: 'idempotency_keys',
  properties: {
    principalId: p.string().length(100).primary(),
    key: p.string().length(200).primary(),
    requestHash: p.string().length(64),
    leadId: p.uuid(),
    createdAt: p.datetime(),
  },
});
