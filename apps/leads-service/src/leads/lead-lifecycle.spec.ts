import { LeadStatuses, type LeadStatus } from '#contracts';
import { DomainError } from '#platform/problem';
import { decideTransition, type LifecycleFacts } from './lead-lifecycle.js';

/** Facts under which every guard passes, so only the from → to shape decides. */
const ready = (status: LeadStatus, heldFromStatus: LeadStatus | null = null): LifecycleFacts => ({
  status,
  heldFromStatus,
  introCallCompleted: true,
  assignedToId: '6f1c0a3e-6b8e-4f39-9a55-0a4a3c1e2b10',
  hasElectricityBill: true,
});

const codeOf = (run: () => unknown): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof DomainError) {
      expect(error.kind).toBe('conflict');
      return error.code;
    }
    throw error;
  }
};

/** The allowed moves, written out by hand from DESIGN.md (not derived from the code). */
const allowed: Record<Exclude<LeadStatus, 'on_hold'>, LeadStatus[]> = {
  new: ['contacted', 'cancelled', 'on_hold'],
  contacted: ['documents_pending', 'cancelled', 'on_hold'],
  documents_pending: ['documents_received', 'cancelled', 'on_hold'],
  documents_received: ['survey_scheduled', 'documents_pending', 'cancelled', 'on_hold'],
  survey_scheduled: ['survey_scheduled', 'survey_completed', 'cancelled', 'on_hold'],
  survey_completed: ['installation_scheduled', 'cancelled', 'on_hold'],
  installation_scheduled: ['installation_scheduled', 'installation_completed', 'cancelled', 'on_hold'],
  installation_completed: ['closed', 'cancelled', 'on_hold'],
  closed: [],
  cancelled: [],
};

describe('lead lifecycle: every from × to pair (central_ops, all guards satisfied)', () => {
  const pairs = (Object.keys(allowed) as (keyof typeof allowed)[]).flatMap((from) =>
    LeadStatuses.map((to) => [from, to, allowed[from].includes(to) || (from === 'cancelled' && to === 'new')] as const),
  );

  it.each(pairs)('%s → %s allowed: %s', (from, to, ok) => {
    const code = codeOf(() => decideTransition(ready(from), to, 'central_ops'));
    if (ok) expect(code).toBeNull();
    else expect(code).not.toBeNull();
  });

  const held = openMainStatuses();
  it.each(held.flatMap((heldFrom) => LeadStatuses.map((to) => [heldFrom, to] as const)))(
    'on_hold (held in %s) → %s',
    (heldFrom, to) => {
      const code = codeOf(() => decideTransition(ready('on_hold', heldFrom), to, 'central_ops'));
      if (to === heldFrom || to === 'cancelled') expect(code).toBeNull();
      else if (to === 'on_hold') expect(code).toBe('lead.invalid_transition');
      else expect(code).toBe('lead.resume_to_held_status');
    },
  );
});

function openMainStatuses(): LeadStatus[] {
  return LeadStatuses.filter((status) => !['closed', 'cancelled', 'on_hold'].includes(status));
}

describe('lead lifecycle rules name themselves', () => {
  it('refuses skipping a step', () => {
    expect(codeOf(() => decideTransition(ready('new'), 'documents_pending', 'central_ops'))).toBe('lead.no_skipping');
    expect(codeOf(() => decideTransition(ready('survey_completed'), 'closed', 'central_ops'))).toBe('lead.no_skipping');
  });

  it('refuses going back except a rejected document', () => {
    expect(codeOf(() => decideTransition(ready('contacted'), 'new', 'central_ops'))).toBe('lead.invalid_transition');
    expect(codeOf(() => decideTransition(ready('documents_received'), 'documents_pending', 'central_ops'))).toBeNull();
  });

  it('contacted needs the intro call', () => {
    const facts = { ...ready('new'), introCallCompleted: false };
    expect(codeOf(() => decideTransition(facts, 'contacted', 'central_ops'))).toBe('lead.intro_call_required');
  });

  it('documents_received needs an electricity bill', () => {
    const facts = { ...ready('documents_pending'), hasElectricityBill: false };
    expect(codeOf(() => decideTransition(facts, 'documents_received', 'central_ops'))).toBe(
      'lead.electricity_bill_required',
    );
  });

  it('survey_scheduled needs an assignee, also when rescheduling', () => {
    const facts = { ...ready('documents_received'), assignedToId: null };
    expect(codeOf(() => decideTransition(facts, 'survey_scheduled', 'central_ops'))).toBe('lead.assignee_required');
    const rescheduled = { ...ready('survey_scheduled'), assignedToId: null };
    expect(codeOf(() => decideTransition(rescheduled, 'survey_scheduled', 'central_ops'))).toBe('lead.assignee_required');
  });

  it('closed is final for everyone', () => {
    for (const to of LeadStatuses) {
      expect(codeOf(() => decideTransition(ready('closed'), to, 'central_ops'))).toBe('lead.closed_is_final');
    }
  });

  it('cancelled is final, except central_ops reopening to new', () => {
    expect(decideTransition(ready('cancelled'), 'new', 'central_ops')).toEqual({ status: 'new', heldFromStatus: null });
    expect(codeOf(() => decideTransition(ready('cancelled'), 'new', 'oem'))).toBe('lead.cancelled_is_final');
    expect(codeOf(() => decideTransition(ready('cancelled'), 'contacted', 'central_ops'))).toBe('lead.cancelled_is_final');
  });

  it('on_hold remembers where it was held and resumes there', () => {
    const held = decideTransition(ready('survey_completed'), 'on_hold', 'central_ops');
    expect(held).toEqual({ status: 'on_hold', heldFromStatus: 'survey_completed' });
    expect(decideTransition(ready('on_hold', 'survey_completed'), 'survey_completed', 'central_ops')).toEqual({
      status: 'survey_completed',
      heldFromStatus: null,
    });
  });

  it('walks the whole main path one step at a time', () => {
    const path: LeadStatus[] = [
      'new', 'contacted', 'documents_pending', 'documents_received', 'survey_scheduled',
      'survey_completed', 'installation_scheduled', 'installation_completed', 'closed',
    ];
    let facts = ready('new');
    for (const to of path.slice(1)) {
      facts = { ...facts, ...decideTransition(facts, to, 'central_ops') };
    }
    expect(facts.status).toBe('closed');
  });
});
