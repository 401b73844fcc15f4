import { defineEntity, p } from '@mikro-orm/core';
import { LeadStatuses, NotificationContextTypes } from '#contracts';
import { NotificationTemplate } from '../templates/notification-template.entity.js';

export const RuleAudiences = ['customer', 'assignee', 'oem'] as const;
export type RuleAudience = (typeof RuleAudiences)[number];

const NotificationRuleSchema = defineEntity({
  name: 'NotificationRule',
  tableName: 'notification_rule',
  indexes: [{ properties: ['eventType'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    /** A lead event type, e.g. `chargesol.lead.status_changed`. */
    eventType: p.string().length(100),
    /** Matches `data.to` of a status change (or the lead's status); null matches any. */
    toStatus: p.enum(LeadStatuses).columnType('varchar(30)').nullable(),
    /** Matches `data.from`; a rule naming it wins over one that does not (e.g. back from hold). */
    fromStatus: p.enum(LeadStatuses).columnType('varchar(30)').nullable(),
    audience: p.enum(RuleAudiences).columnType('varchar(20)'),
    template: () => p.manyToOne(NotificationTemplate).deleteRule('cascade'),
    /** The highest-priority matching rule per audience and channel wins (a reschedule beats a schedule). */
    priority: p.integer().default(10),
    contextType: p.enum(NotificationContextTypes).columnType('varchar(30)').default('lead'),
    /** For optional channels (a customer's email): no address means no notification, not a failure. */
    skipWithoutAddress: p.boolean().default(false),
    isActive: p.boolean().default(true),
  },
});

/** Event (+ lead status) → template (which fixes the channel) → audience. */
export class NotificationRule extends NotificationRuleSchema.class {}
NotificationRuleSchema.setClass(NotificationRule);
