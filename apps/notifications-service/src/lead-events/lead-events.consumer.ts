import { Controller, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import { Topics } from '#contracts';
import { consumeWithPolicy, KafkaConnection } from '#platform/kafka';
import { LeadEventsService } from './lead-events.service.js';
import { waitForDatabase } from './wait-for-database.js';

/**
 * Consumes `leads.lead-events.v1`: bounded retries, then the DLQ; the offset is committed after.
 * A database outage pauses the partition rather than dead-lettering every event meanwhile.
 */
@Controller()
export class LeadEventsConsumer implements OnModuleDestroy {
  private readonly logger = new Logger(LeadEventsConsumer.name);
  private stopping = false;

  constructor(
    private readonly leadEvents: LeadEventsService,
    private readonly kafka: KafkaConnection,
  ) {}

  onModuleDestroy(): void {
    this.stopping = true;
  }

  @EventPattern(Topics.LeadEvents)
  async onLeadEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    await consumeWithPolicy(
      ctx,
      this.kafka,
      { dlqTopic: Topics.NotificationLeadEventsDlq, maxAttempts: 3 },
      (value) => waitForDatabase(() => this.leadEvents.handle(value), ctx.getHeartbeat(), { isStopping: () => this.stopping }),
      this.logger,
    );
  }
}
