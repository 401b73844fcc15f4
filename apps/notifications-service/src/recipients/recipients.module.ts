import { Module } from '@nestjs/common';
import { RecipientsController } from './recipients.controller.js';
import { RecipientsService } from './recipients.service.js';

/** The recipient directory over HTTP. */
@Module({ controllers: [RecipientsController], providers: [RecipientsService] })
export class RecipientsModule {}
