import { LeadDocumentSchema } from './documents/lead-document.entity.js';
import { LeadSourceSchema } from './lead-sources/lead-source.entity.js';
import { IdempotencyKeySchema } from './leads/idempotency-key.entity.js';
import { LeadHistorySchema } from './leads/lead-history.entity.js';
import { LeadSchema } from './leads/lead.entity.js';
import { OutboxMessageSchema } from './outbox/outbox-message.entity.js';

/** Every entity of leads-service, registered with the ORM (feature modules add theirs here). */
export const leadsEntities = [
  LeadSourceSchema,
  LeadSchema,
  LeadHistorySchema,
  IdempotencyKeySchema,
  LeadDocumentSchema,
  OutboxMessageSchema,
];
