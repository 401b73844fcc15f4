import { selectRules, type RuleCandidate } from './rule-selection.js';

const SC = 'chargesol.lead.status_changed';
const rule = (name: string, r: Partial<RuleCandidate>): RuleCandidate & { name: string } => ({
  name,
  eventType: SC,
  toStatus: null,
  fromStatus: null,
  audience: 'customer',
  priority: 10,
  channel: 'sms',
  ...r,
});

const rules = [
  rule('scheduled', { toStatus: 'survey_scheduled' }),
  rule('scheduled-wa', { toStatus: 'survey_scheduled', channel: 'whatsapp' }),
  rule('rescheduled', { toStatus: 'survey_scheduled', fromStatus: 'survey_scheduled', priority: 20 }),
  rule('resumed', { fromStatus: 'on_hold', priority: 20 }),
  rule('cancelled', { toStatus: 'cancelled', priority: 30 }),
  rule('created', { eventType: 'chargesol.lead.created' }),
  rule('assigned', { eventType: 'chargesol.lead.assigned', audience: 'assignee', channel: 'email' }),
];
const names = (type: string, from: string | null, to: string | null) =>
  selectRules(rules, { type, from: from as never, to: to as never }).map((r) => r.name).sort();

describe('selectRules', () => {
  it('matches the status a lead moved to, per channel', () => {
    expect(names(SC, 'documents_received', 'survey_scheduled')).toEqual(['scheduled', 'scheduled-wa']);
  });

  it('sends the reschedule message instead of the schedule one on the same channel', () => {
    expect(names(SC, 'survey_scheduled', 'survey_scheduled')).toEqual(['rescheduled', 'scheduled-wa']);
  });

  it('tells a customer the lead is back from hold', () => {
    expect(names(SC, 'on_hold', 'documents_received')).toEqual(['resumed']);
  });

  it('lets a cancellation win over the back-from-hold message', () => {
    expect(names(SC, 'on_hold', 'cancelled')).toEqual(['cancelled']);
  });

  it('matches other event types and audiences, and nothing for an unruled change', () => {
    expect(names('chargesol.lead.created', null, null)).toEqual(['created']);
    expect(names('chargesol.lead.assigned', null, null)).toEqual(['assigned']);
    expect(names(SC, 'new', 'contacted')).toEqual([]);
  });
});
