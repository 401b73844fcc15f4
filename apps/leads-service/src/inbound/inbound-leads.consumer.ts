import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import { InvalidEventError, isKnownEventType, LeadSubmittedType, parseMessage, Topics, type LeadSubmittedData } from '#contracts';
import { consumeWithPolicy, KafkaConnection } from '#platform/kafka';
import { peekEventType } from '../common/peek-event-type.js';
import { InboundLeadsService } from './inbound-leads.service.js';

/** Reads `leads.inbound-leads.v1`; anything that is not a valid lead submission goes to its DLQ. */
@Controller()
export class InboundLeadsConsumer {
  private readonly logger = new Logger(InboundLeadsConsumer.name);

  constructor(
    private readonly inbound: InboundLeadsService,
    private readonly kafka: KafkaConnection,
  ) {}

  @EventPattern(Topics.InboundLeads)
  async onLeadSubmitted(@Ctx() ctx: KafkaContext): Promise<void> {
    await consumeWithPolicy(
      ctx,
      this.kafka,
      { dlqTopic: Topics.InboundLeadsDlq },
      async (value) => {
        const type = peekEventType(value);
        if (type !== null && type !== LeadSubmittedType) {
          // CONTRACT: consumers ignore unknown types. A type of the contract that belongs on
          // another topic, though, is a producer's mistake worth a look: dead-letter it.
          if (!isKnownEventType(type)) return 'skipped';
          throw new InvalidEventError(`unexpected type ${type} on ${Topics.InboundLeads}`);
        }
        const parsed = parseMessage(value);
        return this.inbound.submit(parsed.event.data as LeadSubmittedData);
      },
      this.logger,
    );
  }
}
