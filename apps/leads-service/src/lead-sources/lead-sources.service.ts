import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Principal } from '#platform/auth';
import { DomainError } from '#platform/problem';
import type { CreateLeadSourceDto, LeadSourceView } from './dto/lead-source.dto.js';
import { LeadSource } from './lead-source.entity.js';

const view = (source: LeadSource): LeadSourceView => ({
  id: source.id,
  name: source.name,
  sourceType: source.sourceType,
  oemId: source.oemId,
});

/** Lead sources: how leads arrive (portal, API, manual), per OEM. */
@Injectable()
export class LeadSourcesService {
  constructor(private readonly em: EntityManager) {}

  async create(input: CreateLeadSourceDto): Promise<LeadSourceView> {
    const em = this.em.fork();
    const source = Object.assign(new LeadSource(), {
      name: input.name.trim(),
      sourceType: input.sourceType,
      oemId: input.oemId ?? null,
    });
    try {
      await em.persist(source).flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('conflict', 'lead_source.name_taken', `A lead source named "${source.name}" exists`, [
          { field: 'name', message: 'name must be unique' },
        ]);
      }
      throw error;
    }
    return view(source);
  }

  /** Every source; an OEM sees the shared ones and its own. */
  async list(principal: Principal): Promise<LeadSourceView[]> {
    const where = principal.role === 'oem' ? { $or: [{ oemId: null }, { oemId: principal.sub }] } : {};
    const sources = await this.em.fork().find(LeadSource, where, { orderBy: { id: 'asc' } });
    return sources.map(view);
  }
}
