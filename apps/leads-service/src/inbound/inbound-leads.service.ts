import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { LeadSubmittedData } from '#contracts';
import { DomainError } from '#platform/problem';
import { findUnsafeText } from '#platform/text-safety';
import { LeadSource } from '../lead-sources/lead-source.entity.js';
import { SystemActor } from '../leads/lead-change-log.js';
import { normalizeLeadContact } from '../leads/lead-input.js';
import { Lead } from '../leads/lead.entity.js';
import { invalidLead } from '../leads/leads-access.js';
import { addNewLead, type NewLead } from '../leads/new-lead.js';

/** Leads handed over by upstream OEM systems on Kafka, created once per source + externalRef. */
@Injectable()
export class InboundLeadsService {
  private readonly logger = new Logger(InboundLeadsService.name);

  constructor(private readonly em: EntityManager) {}

  /** Creates the submitted lead; a lead this source already sent is left as it is. */
  async submit(data: LeadSubmittedData): Promise<'processed' | 'skipped'> {
    const unsafe = findUnsafeText(data, 'data');
    if (unsafe.length) throw invalidLead(unsafe);
    const { value: contact, errors } = normalizeLeadContact(data);
    if (errors.length) throw invalidLead(errors.map((e) => ({ ...e, field: `data.${e.field}` })));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.em.fork().transactional(async (em) => {
          const source = await em.findOne(LeadSource, { name: data.sourceName });
          if (!source) {
            throw new DomainError('invalid', 'inbound.unknown_source', `Unknown lead source "${data.sourceName}"`, [
              { field: 'data.sourceName', message: 'sourceName must name a known lead source' },
            ]);
          }
          const oemId = data.oemId ?? source.oemId;
          if (!oemId || (data.oemId && source.oemId && data.oemId !== source.oemId)) {
            throw new DomainError('invalid', 'inbound.oem_unknown', 'The lead has no OEM, or not the OEM of its source', [
              { field: 'data.oemId', message: "oemId is required unless the source has an OEM, and must match the source's" },
            ]);
          }
          const existing = await em.findOne(Lead, { source, externalRef: data.externalRef });
          if (existing) return 'skipped';
          const lead = addNewLead(
            em,
            { oemId, source, contact: contact as NewLead['contact'], externalRef: data.externalRef },
            SystemActor,
          );
          await em.flush();
          this.logger.log({ leadId: lead.id, source: source.name, externalRef: data.externalRef }, 'inbound lead created');
          return 'processed';
        });
      } catch (error) {
        // A redelivered twin committed first: the next attempt finds it and skips.
        if (error instanceof UniqueConstraintViolationException && attempt < 3) continue;
        throw error;
      }
    }
  }
}
