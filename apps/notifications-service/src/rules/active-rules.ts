import type { EntityManager } from '@mikro-orm/postgresql';
import type { LeadStatus, NotificationContextType, TemplateChannel } from '#contracts';
import { queryRows } from '#platform/database';
import type { TemplateSource } from '../templates/template-renderer.js';
import type { RuleCandidate } from './rule-selection.js';

/** An active rule with its active template, as the lead-event path applies it. */
export interface ActiveRule extends RuleCandidate {
  id: number;
  contextType: NotificationContextType;
  skipWithoutAddress: boolean;
  template: TemplateSource & { name: string; channel: TemplateChannel };
}

interface ActiveRuleRow {
  id: number;
  event_type: string;
  to_status: LeadStatus | null;
  from_status: LeadStatus | null;
  audience: string;
  priority: number;
  context_type: NotificationContextType;
  skip_without_address: boolean;
  template_id: number;
  template_name: string;
  channel: TemplateChannel;
  subject_template: string;
  body_template: string;
  html_template: string | null;
  template_updated_at: Date | string;
}

/**
 * The active rules (with active templates) of these event types, per type: one read, as plain
 * rows. Rules and templates are edited through their APIs; every batch reads them afresh.
 */
export async function activeRulesFor(em: EntityManager, types: readonly string[]): Promise<Map<string, ActiveRule[]>> {
  const rows = await queryRows<ActiveRuleRow>(
    em,
    `select r.id, r.event_type, r.to_status, r.from_status, r.audience, r.priority, r.context_type, r.skip_without_address,
            t.id as template_id, t.name as template_name, t.channel, t.subject_template, t.body_template, t.html_template,
            t.updated_at as template_updated_at
       from notification_rule r join notification_template t on t.id = r.template_id
      where r.event_type = any($1::text[]) and r.is_active and t.is_active`,
    [types],
  );
  const byType = new Map<string, ActiveRule[]>();
  for (const row of rows) {
    const rules = byType.get(row.event_type) ?? [];
    rules.push({
      id: row.id,
      eventType: row.event_type,
      toStatus: row.to_status,
      fromStatus: row.from_status,
      audience: row.audience,
      priority: row.priority,
      channel: row.channel,
      contextType: row.context_type,
      skipWithoutAddress: row.skip_without_address,
      template: {
        id: row.template_id,
        name: row.template_name,
        channel: row.channel,
        subjectTemplate: row.subject_template,
        bodyTemplate: row.body_template,
        htmlTemplate: row.html_template,
        updatedAt: new Date(row.template_updated_at),
      },
    });
    byType.set(row.event_type, rules);
  }
  return byType;
}
