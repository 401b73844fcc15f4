import { type DynamicModule, Module } from '@nestjs/common';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { OptOutsService } from './opt-outs.service.js';
import { ReceiptReconciler } from './receipt-reconciler.js';
import { ReceiptsService } from './receipts.service.js';
import { SendgridWebhooksController } from './sendgrid-webhooks.controller.js';
import { SendgridSignatureGuard, TwilioSignatureGuard } from './signature.guards.js';
import { TwilioWebhooksController } from './twilio-webhooks.controller.js';

/** Gateway webhooks: Twilio status + inbound, SendGrid events; receipts, opt-outs, reconciliation. */
@Module({})
export class WebhooksModule {
  static register(config: NotificationsConfig): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [TwilioWebhooksController, SendgridWebhooksController],
      providers: [
        { provide: NOTIFICATIONS_CONFIG, useValue: config },
        TwilioSignatureGuard,
        SendgridSignatureGuard,
        ReceiptsService,
        OptOutsService,
        ReceiptReconciler,
      ],
      exports: [ReceiptsService, ReceiptReconciler],
    };
  }
}
