import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '#platform/auth';
import { DomainError, type FieldError } from '#platform/problem';
import { LeadSource } from '../lead-sources/lead-source.entity.js';
import { normalizeLeadContact } from '../leads/lead-input.js';
import { Lead } from '../leads/lead.entity.js';
import { actorOf, oemOfNewLead } from '../leads/leads-access.js';
import { addNewLead, type NewLead } from '../leads/new-lead.js';
import { parseLeadCsv, toCreateLeadDto } from './csv-rows.js';
import type { ImportRowResult, LeadImportResult } from './dto/lead-import.view.js';

/** Rows written per transaction: big enough to batch inserts, small enough to keep locks short. */
const CHUNK = 500;

interface Candidate {
  row: number;
  lead: NewLead;
  /** Identity of the lead for dedupe: source + externalRef, else OEM + source + phone. */
  identity: string;
}

const identityOf = (lead: { oemId: string; sourceId: number; externalRef: string | null; phone: string }) =>
  lead.externalRef ? `ref:${lead.sourceId}:${lead.externalRef}` : `phone:${lead.oemId}:${lead.sourceId}:${lead.phone}`;

/**
 * Bulk CSV import: each row is created, reported as a duplicate (same source + externalRef, or
 * without one, same OEM + source + phone — in the database or earlier in the file), or reported
 * invalid with its reasons. Valid rows are kept whatever happens to the others.
 */
@Injectable()
export class LeadImportService {
  private readonly logger = new Logger(LeadImportService.name);

  constructor(private readonly em: EntityManager) {}

  async import(file: Buffer, principal: Principal): Promise<LeadImportResult> {
    const records = parseLeadCsv(file);
    const results: ImportRowResult[] = [];
    const seen = new Map<string, string | undefined>();
    const sources = new Map<number, LeadSource | null>();
    this.logger.log({ rows: records.length }, 'lead import started');

    for (let start = 0; start < records.length; start += CHUNK) {
      const em = this.em.fork();
      const candidates: Candidate[] = [];
      for (const [offset, record] of records.slice(start, start + CHUNK).entries()) {
        const row = start + offset + 1;
        const outcome = await this.check(em, record, principal, sources);
        if ('errors' in outcome) {
          results.push({ row, status: 'invalid', reasons: outcome.errors });
          continue;
        }
        if (seen.has(outcome.identity)) {
          results.push({ row, status: 'duplicate', leadId: seen.get(outcome.identity), reasons: [{ field: 'row', message: 'repeats an earlier row of this file' }] });
          continue;
        }
        seen.set(outcome.identity, undefined);
        candidates.push({ row, ...outcome });
      }
      results.push(...(await this.store(em, candidates, principal, seen)));
      const done = Math.min(start + CHUNK, records.length);
      this.logger.log({ processed: done, total: records.length }, `lead import progress ${done}/${records.length}`);
    }
    results.sort((a, b) => a.row - b.row);
    const count = (status: ImportRowResult['status']) => results.filter((r) => r.status === status).length;
    const summary = { total: records.length, created: count('created'), duplicates: count('duplicate'), invalid: count('invalid') };
    this.logger.log(summary, 'lead import finished');
    return { ...summary, rows: results };
  }

  private async check(
    em: EntityManager,
    record: Record<string, string>,
    principal: Principal,
    sources: Map<number, LeadSource | null>,
  ): Promise<{ lead: NewLead; identity: string } | { errors: FieldError[] }> {
    const { dto, errors } = await toCreateLeadDto(record);
    if (errors.length) return { errors };
    let oemId: string;
    try {
      oemId = oemOfNewLead(dto.oemId, principal);
    } catch (error) {
      return { errors: (error as DomainError).errors };
    }
    const { value: contact, errors: contactErrors } = normalizeLeadContact(dto);
    if (contactErrors.length) return { errors: contactErrors };
    if (!sources.has(dto.sourceId)) sources.set(dto.sourceId, await em.findOne(LeadSource, { id: dto.sourceId }));
    const source = sources.get(dto.sourceId);
    if (!source) return { errors: [{ field: 'sourceId', message: `sourceId ${dto.sourceId} is not a known lead source` }] };
    const externalRef = dto.externalRef ?? null;
    return {
      lead: { oemId, source, contact: contact as NewLead['contact'], externalRef },
      identity: identityOf({ oemId, sourceId: source.id, externalRef, phone: contact.customerPhone! }),
    };
  }

  /** Skips what the database already has, then creates the rest of a chunk in one transaction. */
  private async store(
    em: EntityManager,
    candidates: Candidate[],
    principal: Principal,
    seen: Map<string, string | undefined>,
  ): Promise<ImportRowResult[]> {
    if (!candidates.length) return [];
    const existing = await em.find(
      Lead,
      {
        $or: [
          ...candidates.filter((c) => c.lead.externalRef).map((c) => ({ source: c.lead.source, externalRef: c.lead.externalRef })),
          ...candidates
            .filter((c) => !c.lead.externalRef)
            .map((c) => ({ source: c.lead.source, oemId: c.lead.oemId, customerPhone: c.lead.contact.customerPhone })),
        ],
      },
      { fields: ['id', 'oemId', 'source', 'externalRef', 'customerPhone'] },
    );
    const known = new Map(
      existing.map((lead) => [
        identityOf({ oemId: lead.oemId, sourceId: lead.source.id, externalRef: lead.externalRef, phone: lead.customerPhone }),
        lead.id,
      ]),
    );
    // Leads without externalRef match any existing lead of the same OEM, source and phone.
    for (const lead of existing) {
      known.set(identityOf({ oemId: lead.oemId, sourceId: lead.source.id, externalRef: null, phone: lead.customerPhone }), lead.id);
    }
    const results: ImportRowResult[] = [];
    const fresh: Candidate[] = [];
    for (const candidate of candidates) {
      const leadId = known.get(candidate.identity);
      if (leadId) {
        seen.set(candidate.identity, leadId);
        results.push({ row: candidate.row, status: 'duplicate', leadId, reasons: [{ field: 'row', message: 'the lead already exists' }] });
      } else fresh.push(candidate);
    }
    try {
      const created = await this.createAll(em, fresh, principal);
      fresh.forEach((candidate, i) => seen.set(candidate.identity, created[i]));
      return [...results, ...fresh.map((c, i) => ({ row: c.row, status: 'created' as const, leadId: created[i] }))];
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // Someone created one of these meanwhile: fall back to one transaction per row.
      for (const candidate of fresh) {
        try {
          const [leadId] = await this.createAll(this.em.fork(), [candidate], principal);
          results.push({ row: candidate.row, status: 'created', leadId });
        } catch (rowError) {
          if (!(rowError instanceof UniqueConstraintViolationException)) throw rowError;
          results.push({ row: candidate.row, status: 'duplicate', reasons: [{ field: 'externalRef', message: 'the lead already exists' }] });
        }
      }
      return results;
    }
  }

  private async createAll(em: EntityManager, candidates: Candidate[], principal: Principal): Promise<string[]> {
    if (!candidates.length) return [];
    return em.transactional(async (tx) => {
      const leads = candidates.map((candidate) =>
        addNewLead(tx, { ...candidate.lead, source: tx.getReference(LeadSource, candidate.lead.source.id) }, actorOf(principal)),
      );
      await tx.flush();
      return leads.map((lead) => lead.id);
    });
  }
}
