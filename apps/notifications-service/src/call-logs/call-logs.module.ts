import { Module } from '@nestjs/common';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { CallLogsController } from './call-logs.controller.js';
import { CallLogsService } from './call-logs.service.js';
import { CallsController } from './calls.controller.js';
import { ClickToCallService } from './click-to-call.service.js';
import { createVoiceGateway, VOICE_GATEWAY } from './voice-gateway.js';

/**
 * Call logs over HTTP (`/api/v1/call-logs`) and click-to-call (`/api/v1/calls`); gateway call
 * callbacks record theirs through `recordCallLog` and click-to-call-callbacks.ts.
 */
@Module({
  controllers: [CallLogsController, CallsController],
  providers: [
    CallLogsService,
    ClickToCallService,
    { provide: VOICE_GATEWAY, inject: [NOTIFICATIONS_CONFIG], useFactory: (config: NotificationsConfig) => createVoiceGateway(config) },
  ],
  exports: [CallLogsService],
})
export class CallLogsModule {}
