import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { maskPhone } from '#platform/logging';
import { customerRecipientId, toE164 } from '../recipients/phone.js';
import { Recipient } from '../recipients/recipient.entity.js';
import { inboundChannel, intentOf, type InboundIntent } from './inbound-keywords.js';

/** What an inbound message did, and what to answer. */
export interface InboundResult {
  intent: InboundIntent;
  channel: 'sms' | 'whatsapp';
  recipientId: string | null;
}

const optOutField = { sms: 'optOutSms', whatsapp: 'optOutWhatsapp' } as const;

/**
 * Inbound SMS/WhatsApp keywords: STOP and friends set, START and friends clear, the sender's
 * opt-out for that channel on the customer's directory entry (id from the normalized phone, so
 * it holds for all their leads). A STOP from a number we never knew creates the entry, so the
 * opt-out is already there when their first lead arrives.
 */
@Injectable()
export class OptOutsService {
  private readonly logger = new Logger(OptOutsService.name);

  constructor(private readonly em: EntityManager) {}

  async handleInbound(params: Record<string, unknown>): Promise<InboundResult> {
    const from = typeof params.From === 'string' ? params.From : '';
    const channel = inboundChannel(from);
    // With Advanced Opt-Out, Twilio names the keyword it recognised (OptOutType STOP/START/HELP); else read the body.
    const keyword = typeof params.OptOutType === 'string' && params.OptOutType ? params.OptOutType : params.Body;
    const intent = intentOf(typeof keyword === 'string' ? keyword : '');
    const phone = toE164(from);
    if (!phone) return { intent: intent === 'help' ? intent : 'none', channel, recipientId: null };
    const recipientId = customerRecipientId(phone);
    if (intent !== 'opt_out' && intent !== 'opt_in') return { intent, channel, recipientId };

    const field = optOutField[channel];
    await this.em.fork().upsert(
      Recipient,
      { id: recipientId, kind: 'customer', phone, [field]: intent === 'opt_out' },
      { onConflictFields: ['id'], onConflictAction: 'merge', onConflictMergeFields: [field, 'updatedAt'] },
    );
    this.logger.log({ phone: maskPhone(phone), channel, intent }, 'inbound keyword applied');
    return { intent, channel, recipientId };
  }
}
