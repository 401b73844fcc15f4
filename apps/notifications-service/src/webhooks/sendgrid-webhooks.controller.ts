import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '#platform/auth';
import { type CallbackCounts, ReceiptsService } from './receipts.service.js';
import { SendgridSignatureGuard, WEBHOOK_RATE_LIMIT } from './signature.guards.js';

/** SendGrid's event webhook; no JWT: the ECDSA signature over timestamp + raw body is the authentication. */
@ApiTags('webhooks')
@Public()
@UseGuards(SendgridSignatureGuard)
@Controller('webhooks/sendgrid')
export class SendgridWebhooksController {
  constructor(private readonly receipts: ReceiptsService) {}

  /** A JSON array of events; unusable events are counted and skipped, the rest applied. */
  @Post('events')
  @HttpCode(200)
  @RouteConfig(WEBHOOK_RATE_LIMIT)
  @ApiHeader({ name: 'X-Twilio-Email-Event-Webhook-Signature', required: true })
  @ApiHeader({ name: 'X-Twilio-Email-Event-Webhook-Timestamp', required: true, description: 'Unix seconds; older than 5 minutes is refused' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiForbiddenResponse({ description: 'Signature missing, invalid, stale or not configured (SENDGRID_WEBHOOK_PUBLIC_KEY)' })
  @ApiOkResponse({ description: 'Counts: received, applied, duplicate, unmatched, ignored, invalid' })
  events(@Body() events: unknown): Promise<CallbackCounts> {
    return this.receipts.sendgridEvents(events);
  }
}
