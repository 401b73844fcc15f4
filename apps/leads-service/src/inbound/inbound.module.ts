import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module.js';
import { CallLoggedConsumer } from './call-logged.consumer.js';
import { InboundLeadsConsumer } from './inbound-leads.consumer.js';
import { InboundLeadsService } from './inbound-leads.service.js';

/** Kafka input of leads-service: lead submissions and the notifications it reacts to. */
@Module({
  imports: [LeadsModule],
  controllers: [InboundLeadsConsumer, CallLoggedConsumer],
  providers: [InboundLeadsService],
})
export class InboundModule {}
