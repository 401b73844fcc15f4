import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { LeadWorkflowService } from './lead-workflow.service.js';
import { LeadsController } from './leads.controller.js';
import { LeadsService } from './leads.service.js';

/** Leads feature: CRUD, lifecycle, assignment, history. */
@Module({
  imports: [OutboxModule],
  controllers: [LeadsController],
  providers: [LeadsService, LeadWorkflowService],
  exports: [LeadsService, LeadWorkflowService],
})
export class LeadsModule {}
