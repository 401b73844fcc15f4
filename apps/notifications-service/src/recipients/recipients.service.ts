import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { NotificationChannel } from '#contracts';
import { DomainError } from '#platform/problem';
import type { PutRecipientDto, RecipientView } from './dto/recipient.dto.js';
import { toE164 } from './phone.js';
import { Recipient } from './recipient.entity.js';
import { RecipientErrorCode } from './recipients.errors.js';

const optOutFields = {
  sms: 'optOutSms',
  whatsapp: 'optOutWhatsapp',
  email: 'optOutEmail',
  push: 'optOutPush',
  call: 'optOutCall',
} as const satisfies Record<NotificationChannel, keyof Recipient>;

const MAX_ID_LENGTH = 100;

/** An id PostgreSQL can store and look up: 1-100 characters, none of them NUL (text columns reject U+0000). */
const isStorableId = (id: string) => id.trim().length > 0 && id.length <= MAX_ID_LENGTH && !id.includes('\u0000');

/** The contact directory: customers (filled from lead events) and users (upserted by admins). */
@Injectable()
export class RecipientsService {
  constructor(private readonly em: EntityManager) {}

  async get(id: string): Promise<RecipientView> {
    const recipient = isStorableId(id) ? await this.em.fork().findOne(Recipient, id) : null;
    if (!recipient) throw new DomainError('not_found', RecipientErrorCode.NotFound, `Recipient ${id} does not exist`);
    return toView(recipient);
  }

  /** Creates or replaces an entry; returns it and whether it was created. */
  async put(id: string, input: PutRecipientDto): Promise<{ recipient: RecipientView; created: boolean }> {
    if (!isStorableId(id)) {
      throw new DomainError('invalid', RecipientErrorCode.InvalidId, `A recipient id has 1 to ${MAX_ID_LENGTH} characters`, [
        { field: 'id', message: `must have 1 to ${MAX_ID_LENGTH} characters, none of them NUL` },
      ]);
    }
    const em = this.em.fork();
    const optOuts = new Set(input.optOuts ?? []);
    const data = {
      name: input.name ?? '',
      phone: this.phone('phone', input.phone),
      email: input.email ?? null,
      whatsapp: this.phone('whatsapp', input.whatsapp),
      pushToken: input.pushToken ?? null,
      locale: input.locale ?? 'en-IN',
      ...Object.fromEntries(Object.entries(optOutFields).map(([channel, field]) => [field, optOuts.has(channel as NotificationChannel)])),
    };
    const existing = await em.findOne(Recipient, id);
    const recipient = existing ?? em.create(Recipient, { id, kind: id.startsWith('cust:') ? 'customer' : 'user' });
    em.assign(recipient, data);
    await em.flush();
    return { recipient: toView(recipient), created: !existing };
  }

  private phone(field: string, raw: string | null | undefined): string | null {
    if (raw === undefined || raw === null || raw === '') return null;
    const e164 = toE164(raw);
    if (!e164) {
      throw new DomainError('invalid', RecipientErrorCode.InvalidPhone, `${field} is not a valid phone number`, [
        { field, message: 'must be a valid phone number (E.164, or Indian without country code)' },
      ]);
    }
    return e164;
  }
}

function toView(recipient: Recipient): RecipientView {
  return {
    id: recipient.id,
    kind: recipient.kind,
    name: recipient.name,
    phone: recipient.phone ?? null,
    email: recipient.email ?? null,
    whatsapp: recipient.whatsapp ?? null,
    pushToken: recipient.pushToken ?? null,
    locale: recipient.locale,
    optOuts: (Object.keys(optOutFields) as NotificationChannel[]).filter((channel) => recipient[optOutFields[channel]]),
    createdAt: recipient.createdAt.toISOString(),
    updatedAt: recipient.updatedAt.toISOString(),
  };
}
