import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';

/** Notification history, detail and ad-hoc sends over HTTP (the dispatcher module is global). */
@Module({
  imports: [TemplatesModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
})
export class NotificationsModule {}
