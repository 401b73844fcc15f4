/** Kafka topic names of CONTRACT.md, the only place they are spelled out. */
export const Topics = {
  LeadEvents: 'leads.lead-events.v1',
  InboundLeads: 'leads.inbound-leads.v1',
  InboundLeadsDlq: 'leads.inbound-leads.dlq.v1',
  NotificationEvents: 'notifications.events.v1',
  NotificationLeadEventsDlq: 'notifications.lead-events.dlq.v1',
  /** leads-service: notification events it could not process after retries (additive to CONTRACT.md). */
  LeadsNotificationEventsDlq: 'leads.notification-events.dlq.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Partition counts the platform creates its topics with (lead events spread a consumer group). */
export const TopicPartitions: Record<TopicName, number> = {
  [Topics.LeadEvents]: 12,
  [Topics.InboundLeads]: 6,
  [Topics.InboundLeadsDlq]: 1,
  [Topics.NotificationEvents]: 6,
  [Topics.NotificationLeadEventsDlq]: 1,
  [Topics.LeadsNotificationEventsDlq]: 1,
};

/** Headers a dead-lettered message carries besides its original value. */
export const DlqHeaders = {
  Error: 'x-error',
  OriginalTopic: 'x-original-topic',
} as const;

/** Consumer group ids, fixed so that replicas of a service share the work. */
export const ConsumerGroups = {
  LeadsInbound: 'leads-service',
  Notifications: 'notifications-service',
} as const;
