import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { LeadEventTypes, type CallLogSnapshot } from '#contracts';
import type { Principal } from '#platform/auth';
import { LeadDocument } from '../documents/lead-document.entity.js';
import type { AssignLeadDto, TransitionLeadDto } from './dto/lead-commands.dto.js';
import type { LeadHistoryView, LeadView } from './dto/lead.view.js';
import { logLeadChange, SystemActor } from './lead-change-log.js';
import { LeadHistory } from './lead-history.entity.js';
import { decideTransition } from './lead-lifecycle.js';
import { toLeadSnapshot } from './lead-snapshot.js';
import { Lead } from './lead.entity.js';
import { actorOf, leadNotFound, leadScope } from './leads-access.js';

/** Moves leads through their lifecycle: transitions, assignment, the intro call; and their history. */
@Injectable()
export class LeadWorkflowService {
  constructor(private readonly em: EntityManager) {}

  async transition(id: string, command: TransitionLeadDto, principal: Principal): Promise<LeadView> {
    return this.em.fork().transactional(async (em) => {
      // Row lock: two concurrent moves of one lead are decided one after the other.
      const lead = await em.findOne(Lead, { id, ...leadScope(principal) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!lead) throw leadNotFound(id);
      const hasElectricityBill =
        command.to === 'documents_received'
          ? (await em.count(LeadDocument, { lead, documentType: 'electricity_bill' })) > 0
          : false;
      const outcome = decideTransition({ ...lead, hasElectricityBill }, command.to, principal.role);
      const from = lead.status;
      lead.status = outcome.status;
      lead.heldFromStatus = outcome.heldFromStatus;
      lead.updatedAt = new Date();
      logLeadChange(em, lead, {
        type: LeadEventTypes.StatusChanged,
        actor: actorOf(principal),
        fromStatus: from,
        toStatus: outcome.status,
        reason: command.reason ?? null,
        data: { from, to: outcome.status, reason: command.reason ?? null },
      });
      await em.flush();
      return toLeadSnapshot(lead);
    });
  }

  /**
   * Assigns the Central Ops handler. The seeds limit assignees to role central_ops; users live
   * in the identity provider, so this service trusts the caller (itself central_ops) on that.
   */
  async assign(id: string, command: AssignLeadDto, principal: Principal): Promise<LeadView> {
    return this.em.fork().transactional(async (em) => {
      const lead = await em.findOne(Lead, { id, ...leadScope(principal) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!lead) throw leadNotFound(id);
      if (lead.assignedToId === command.assignedToId) return toLeadSnapshot(lead);
      const previous = lead.assignedToId;
      lead.assignedToId = command.assignedToId;
      lead.updatedAt = new Date();
      logLeadChange(em, lead, {
        type: LeadEventTypes.Assigned,
        actor: actorOf(principal),
        changes: { assignedToId: { from: previous, to: command.assignedToId } },
        data: { assignedToId: command.assignedToId, previousAssignedToId: previous },
      });
      await em.flush();
      return toLeadSnapshot(lead);
    });
  }

  async history(id: string, principal: Principal): Promise<LeadHistoryView[]> {
    const em = this.em.fork();
    const lead = await em.findOne(Lead, { id, ...leadScope(principal) });
    if (!lead) throw leadNotFound(id);
    const entries = await em.find(LeadHistory, { lead }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return entries.map((entry) => ({
      id: entry.id,
      action: entry.action,
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      fromStatus: entry.fromStatus,
      toStatus: entry.toStatus,
      changes: entry.changes,
      reason: entry.reason,
      at: entry.createdAt.toISOString(),
    }));
  }

  /**
   * A connected introductory call (logged by notifications-service): sets introCallCompleted and
   * moves a new lead to contacted. A replay finds the flag set and changes nothing.
   */
  async completeIntroCall(callLog: CallLogSnapshot): Promise<'processed' | 'skipped'> {
    return this.em.fork().transactional(async (em) => {
      const lead = await em.findOne(Lead, { id: callLog.contextId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!lead || lead.introCallCompleted) return 'skipped';
      lead.introCallCompleted = true;
      lead.updatedAt = new Date();
      logLeadChange(em, lead, {
        type: LeadEventTypes.IntroCallCompleted,
        actor: SystemActor,
        changes: { introCallCompleted: { from: false, to: true } },
        reason: `introductory call ${callLog.id} connected`,
        data: { callLogId: callLog.id },
      });
      if (lead.status === 'new') {
        lead.status = 'contacted';
        logLeadChange(em, lead, {
          type: LeadEventTypes.StatusChanged,
          actor: SystemActor,
          fromStatus: 'new',
          toStatus: 'contacted',
          reason: 'introductory call connected',
          data: { from: 'new', to: 'contacted', reason: 'introductory call connected' },
        });
      }
      await em.flush();
      return 'processed';
    });
  }
}
