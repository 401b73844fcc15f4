import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module.js';
import { LeadEventsConsumer } from './lead-events.consumer.js';
import { LeadEventsService } from './lead-events.service.js';

/** Lead events → rules → rendered, queued notifications (the dispatcher module is global). */
@Module({
  imports: [TemplatesModule],
  controllers: [LeadEventsConsumer],
  providers: [LeadEventsService],
})
export class LeadEventsModule {}
