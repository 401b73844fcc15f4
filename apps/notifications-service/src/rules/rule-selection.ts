import type { LeadStatus, NotificationChannel } from '#contracts';

/** What a rule needs to be matched against an event. */
export interface RuleCandidate {
  eventType: string;
  toStatus: LeadStatus | null;
  fromStatus: LeadStatus | null;
  audience: string;
  priority: number;
  channel: NotificationChannel;
}

/** The facts of an event that rules match on. */
export interface EventFacts {
  type: string;
  to: LeadStatus | null;
  from: LeadStatus | null;
}

/**
 * The rules that fire for an event: those whose type and statuses match (a null status matches
 * any), and of those only the highest priority per audience and channel — so a reschedule sends
 * the "rescheduled" SMS instead of the "scheduled" one, not both.
 */
export function selectRules<R extends RuleCandidate>(rules: readonly R[], facts: EventFacts): R[] {
  const matching = rules.filter(
    (rule) =>
      rule.eventType === facts.type &&
      (rule.toStatus === null || rule.toStatus === facts.to) &&
      (rule.fromStatus === null || rule.fromStatus === facts.from),
  );
  const best = new Map<string, number>();
  for (const rule of matching) {
    const key = `${rule.audience}/${rule.channel}`;
    best.set(key, Math.max(best.get(key) ?? -Infinity, rule.priority));
  }
  return matching.filter((rule) => rule.priority === best.get(`${rule.audience}/${rule.channel}`));
}
