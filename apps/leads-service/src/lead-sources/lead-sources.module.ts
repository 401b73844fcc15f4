import { Module } from '@nestjs/common';
import { LeadSourcesController } from './lead-sources.controller.js';
import { LeadSourcesService } from './lead-sources.service.js';

/** Lead sources feature. */
@Module({ controllers: [LeadSourcesController], providers: [LeadSourcesService], exports: [LeadSourcesService] })
export class LeadSourcesModule {}
