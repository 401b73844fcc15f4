import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import { NotificationEventTypes, parseMessage, Topics, type NotificationEventData } from '#contracts';
import { consumeWithPolicy, KafkaConnection } from '#platform/kafka';
import type { EventTypeFilter } from '#platform/kafka-batch-server';
import { LeadWorkflowService } from '../leads/lead-workflow.service.js';

/** Reads `notifications.events.v1`: a connected introductory call marks the lead contacted. */
@Controller()
export class CallLoggedConsumer {
  private readonly logger = new Logger(CallLoggedConsumer.name);

  constructor(
    private readonly workflow: LeadWorkflowService,
    private readonly kafka: KafkaConnection,
  ) {}

  // Only call logs concern leads: the topic's other events (three sends per lead) are skipped by
  // their ce-type header, unread (KeyOrderedKafkaServer).
  @EventPattern(Topics.NotificationEvents, { eventTypes: [NotificationEventTypes.CallLogged] } satisfies EventTypeFilter)
  async onNotificationEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    await consumeWithPolicy(
      ctx,
      this.kafka,
      { dlqTopic: Topics.LeadsNotificationEventsDlq },
      async (value) => {
        // Every message is read: one that breaks the contract goes to the DLQ (InvalidEventError);
        // well-formed events this service has no use for, and unknown types, are skipped.
        const parsed = parseMessage(value);
        if (parsed.kind === 'unknown' || parsed.event.type !== NotificationEventTypes.CallLogged) return 'skipped';
        const { callLog } = parsed.event.data as NotificationEventData<typeof NotificationEventTypes.CallLogged>;
        const isConnectedIntro =
          callLog.callType === 'introductory' && callLog.outcome === 'connected' && callLog.contextType === 'lead';
        return isConnectedIntro ? this.workflow.completeIntroCall(callLog) : 'skipped';
      },
      this.logger,
    );
  }
}
