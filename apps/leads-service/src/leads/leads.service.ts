import { createHash } from 'node:crypto';
import { type FilterQuery, EntityManager, LockMode, type QBFilterQuery, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { LeadEventTypes } from '#contracts';
import type { Principal } from '#platform/auth';
import { keysetFilter, toPage } from '#platform/pagination';
import { DomainError } from '#platform/problem';
import { LeadSource } from '../lead-sources/lead-source.entity.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import type { CreateLeadDto } from './dto/create-lead.dto.js';
import type { LeadPage, LeadView } from './dto/lead.view.js';
import type { ListLeadsQuery } from './dto/list-leads.query.js';
import { UpdateLeadDto } from './dto/update-lead.dto.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { logLeadChange } from './lead-change-log.js';
import { normalizeLeadContact } from './lead-input.js';
import { type LeadRow, snapshotOfRow, toLeadSnapshot } from './lead-snapshot.js';
import { Lead } from './lead.entity.js';
import { actorOf, invalidLead, leadNotFound, leadScope, oemOfNewLead } from './leads-access.js';
import { LeadErrorCode } from './leads.errors.js';
import { addNewLead, insertNewLead } from './new-lead.js';

/** The outcome of a create: a retry (same key or same source + externalRef) gets the first lead back. */
export interface CreateLeadResult {
  lead: LeadView;
  created: boolean;
}

/** SHA-256 of a body with sorted keys, so the same request hashes the same however it is spelled. */
const hashRequest = (body: object): string =>
  createHash('sha256').update(JSON.stringify(body, Object.keys(body).sort())).digest('hex');

const unknownSource = (sourceId: number) =>
  invalidLead([{ field: 'sourceId', message: `sourceId ${sourceId} is not a known lead source` }]);

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Leads: create (idempotent), list, read and edit, always within the caller's scope. */
@Injectable()
export class LeadsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxRelay,
  ) {}

  async create(input: CreateLeadDto, principal: Principal, idempotencyKey?: string): Promise<CreateLeadResult> {
    const oemId = oemOfNewLead(input.oemId, principal);
    const { value: contact, errors } = normalizeLeadContact(input);
    if (errors.length) throw invalidLead(errors);
    const newLead = { oemId, contact: contact as Parameters<typeof addNewLead>[1]['contact'], externalRef: input.externalRef };
    if (!idempotencyKey) {
      // The common case in one statement; a taken externalRef (a retry, or a conflict) goes the
      // transactional way below, which finds the twin. An Idempotency-Key is checked there first.
      const insert = await insertNewLead(
        this.em.fork(),
        { ...newLead, sourceId: input.sourceId, sourceOfOem: principal.role === 'oem' ? principal.sub : null },
        actorOf(principal),
      );
      if (insert.outcome === 'unknown_source') throw unknownSource(input.sourceId);
      if (insert.outcome === 'created') {
        this.outbox.publishSoon();
        return { lead: toLeadSnapshot(insert.lead), created: true };
      }
    }
    const requestHash = hashRequest(input);
    // A concurrent twin may win the unique index between our check and insert; then re-read.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.em.fork().transactional(async (em) => {
          if (idempotencyKey) {
            const seen = await em.findOne(IdempotencyKey, { principalId: principal.sub, key: idempotencyKey });
            if (seen) {
              if (seen.requestHash !== requestHash) {
                throw new DomainError(
                  'conflict',
                  LeadErrorCode.IdempotencyKeyReused,
                  'This Idempotency-Key was already used with a different request body',
                );
              }
              const lead = await em.findOne(Lead, { id: seen.leadId, ...leadScope(principal) });
              if (!lead) throw leadNotFound(seen.leadId);
              return { lead: toLeadSnapshot(lead), created: false };
            }
          }
          const source = await em.findOne(LeadSource, { id: input.sourceId });
          if (!source || (principal.role === 'oem' && source.oemId && source.oemId !== principal.sub)) {
            throw unknownSource(input.sourceId);
          }
          const remember = (leadId: string) => {
            if (!idempotencyKey) return;
            em.persist(
              Object.assign(new IdempotencyKey(), { principalId: principal.sub, key: idempotencyKey, requestHash, leadId }),
            );
          };
          if (input.externalRef) {
            const twin = await em.findOne(Lead, { source, externalRef: input.externalRef });
            if (twin) {
              if (twin.oemId !== oemId) {
                throw new DomainError('conflict', 'lead.external_ref_taken', 'externalRef is used by another lead of this source', [
                  { field: 'externalRef', message: 'externalRef must be unique per source' },
                ]);
              }
              remember(twin.id);
              await em.flush();
              return { lead: toLeadSnapshot(twin), created: false };
            }
          }
          const lead = addNewLead(em, { ...newLead, source }, actorOf(principal));
          remember(lead.id);
          await em.flush();
          return { lead: toLeadSnapshot(lead), created: true };
        });
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException && attempt < 3) continue;
        throw error;
      }
    }
  }

  async list(query: ListLeadsQuery, principal: Principal): Promise<LeadPage> {
    const limit = query.limit ?? 50;
    const and: FilterQuery<Lead>[] = [leadScope(principal)];
    if (query.status) and.push({ status: query.status });
    if (query.oemId) and.push({ oemId: query.oemId });
    if (query.assignedToId) and.push({ assignedToId: query.assignedToId });
    if (query.city) and.push({ city: { $ilike: query.city.trim() } });
    if (query.state) and.push({ state: { $ilike: query.state.trim() } });
    if (query.createdFrom) and.push({ createdAt: { $gte: new Date(query.createdFrom) } });
    if (query.createdTo) and.push({ createdAt: { $lt: new Date(query.createdTo) } });
    if (query.q?.trim()) {
      const q = query.q.trim();
      const digits = q.replace(/\D/g, '');
      and.push({
        $or: [
          { customerName: { $ilike: likePattern(q) } },
          { customerEmail: { $ilike: likePattern(q) } },
          ...(digits.length >= 3 ? [{ customerPhone: { $like: likePattern(digits) } }] : []),
        ],
      });
    }
    if (query.cursor) and.push(keysetFilter('createdAt', query.cursor, LeadErrorCode.InvalidCursor));
    // Read as plain rows mapped to property names: a page is shown, never changed, so its 51 leads
    // need no entities (hydrating them was most of this route's CPU).
    const rows = await this.em
      .fork()
      .createQueryBuilder(Lead)
      .select('*')
      .where({ $and: and as QBFilterQuery<Lead>[] })
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(limit + 1)
      .execute<LeadRow[]>('all', true);
    return toPage(rows, limit, snapshotOfRow, (lead) => ({ at: lead.createdAt, id: lead.id }));
  }

  async get(id: string, principal: Principal): Promise<LeadView> {
    const lead = await this.em.fork().findOne(Lead, { id, ...leadScope(principal) });
    if (!lead) throw leadNotFound(id);
    return toLeadSnapshot(lead);
  }

  /** Edits contact, address and charger model; records which fields changed (none: no event). */
  async update(id: string, patch: UpdateLeadDto, principal: Principal): Promise<LeadView> {
    const { value, errors } = normalizeLeadContact(patch);
    if (errors.length) throw invalidLead(errors);
    return this.em.fork().transactional(async (em) => {
      const lead = await em.findOne(Lead, { id, ...leadScope(principal) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!lead) throw leadNotFound(id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of UpdateLeadDto.fields) {
        const next = value[field];
        if (next === undefined) continue;
        if (field === 'customerName' || field === 'addressLine1' || field === 'city' || field === 'state') {
          if (next === null) throw invalidLead([{ field, message: `${field} must not be null` }]);
        }
        if (lead[field] !== next) changes[field] = { from: lead[field], to: next };
      }
      if (Object.keys(changes).length === 0) return toLeadSnapshot(lead);
      for (const [field, change] of Object.entries(changes)) (lead as unknown as Record<string, unknown>)[field] = change.to;
      lead.updatedAt = new Date();
      logLeadChange(em, lead, {
        type: LeadEventTypes.Updated,
        actor: actorOf(principal),
        changes,
        data: { changedFields: Object.keys(changes) },
      });
      await em.flush();
      return toLeadSnapshot(lead);
    });
  }
}
