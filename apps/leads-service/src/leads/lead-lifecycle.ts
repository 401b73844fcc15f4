import type { LeadStatus, Role } from '#contracts';
import { DomainError } from '#platform/problem';
import { LeadErrorCode } from './leads.errors.js';

/** The main path of a lead; every forward move goes exactly one step along it. */
export const MainPath: readonly LeadStatus[] = [
  'new',
  'contacted',
  'documents_pending',
  'documents_received',
  'survey_scheduled',
  'survey_completed',
  'installation_scheduled',
  'installation_completed',
  'closed',
];

/** Statuses a lead can be rescheduled in: a self-transition that records a new event. */
const Reschedulable: readonly LeadStatus[] = ['survey_scheduled', 'installation_scheduled'];

/** Everything the rules look at; the caller loads it, the machine only decides. */
export interface LifecycleFacts {
  status: LeadStatus;
  heldFromStatus: LeadStatus | null;
  introCallCompleted: boolean;
  assignedToId: string | null;
  hasElectricityBill: boolean;
}

/** What the lead looks like after an allowed move. */
export interface TransitionOutcome {
  status: LeadStatus;
  heldFromStatus: LeadStatus | null;
}

const refuse = (code: LeadErrorCode, message: string): never => {
  throw new DomainError('conflict', code, message);
};

/** True for statuses a lead can still move out of by the normal rules. */
export function isOpen(status: LeadStatus): boolean {
  return status !== 'closed' && status !== 'cancelled';
}

/**
 * Decides a lifecycle move (DESIGN.md "Lead lifecycle"): returns the new state or throws a
 * 409 DomainError whose code names the rule that forbids it.
 */
export function decideTransition(facts: LifecycleFacts, to: LeadStatus, role: Role): TransitionOutcome {
  const from = facts.status;
  if (from === 'closed') refuse(LeadErrorCode.ClosedIsFinal, 'A closed lead is final and cannot change status');
  if (from === 'cancelled') {
    if (to === 'new' && role === 'central_ops') return { status: 'new', heldFromStatus: null };
    refuse(LeadErrorCode.CancelledIsFinal, 'A cancelled lead is final; only Central Ops may reopen it to new');
  }
  if (to === 'cancelled') return { status: 'cancelled', heldFromStatus: null };
  if (to === 'on_hold') {
    if (from === 'on_hold') refuse(LeadErrorCode.InvalidTransition, 'The lead is already on hold');
    return { status: 'on_hold', heldFromStatus: from };
  }
  if (from === 'on_hold') {
    if (to !== facts.heldFromStatus) {
      refuse(
        LeadErrorCode.ResumeToHeldStatus,
        `A lead on hold resumes only to the status it was held in (${facts.heldFromStatus ?? 'unknown'})`,
      );
    }
    return { status: to, heldFromStatus: null };
  }

  const isReschedule = to === from && Reschedulable.includes(from);
  const isDocumentRejected = from === 'documents_received' && to === 'documents_pending';
  const isNextStep = MainPath.indexOf(to) === MainPath.indexOf(from) + 1;
  if (!isReschedule && !isDocumentRejected && !isNextStep) {
    if (MainPath.indexOf(to) > MainPath.indexOf(from)) {
      refuse(LeadErrorCode.NoSkipping, `No skipping steps: ${from} → ${to}; the next step is ${MainPath[MainPath.indexOf(from) + 1]}`);
    }
    refuse(LeadErrorCode.InvalidTransition, `The lifecycle does not allow ${from} → ${to}`);
  }

  if (to === 'contacted' && !facts.introCallCompleted) {
    refuse(LeadErrorCode.IntroCallRequired, 'contacted needs the introductory call to be completed first');
  }
  if (to === 'documents_received' && !facts.hasElectricityBill) {
    refuse(LeadErrorCode.ElectricityBillRequired, 'documents_received needs at least one electricity_bill document');
  }
  if (to === 'survey_scheduled' && !facts.assignedToId) {
    refuse(LeadErrorCode.AssigneeRequired, 'survey_scheduled needs an assigned Central Ops handler');
  }
  return { status: to, heldFromStatus: null };
}
