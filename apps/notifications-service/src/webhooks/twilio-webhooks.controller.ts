import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiExcludeEndpoint, ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import twilio from 'twilio';
import { Public } from '#platform/auth';
import { replyFor } from './inbound-keywords.js';
import { OptOutsService } from './opt-outs.service.js';
import { type CallbackOutcome, ReceiptsService } from './receipts.service.js';
import { TwilioSignatureGuard, WEBHOOK_RATE_LIMIT } from './signature.guards.js';

/** Twilio's callbacks; no JWT: the X-Twilio-Signature is the authentication. */
@ApiTags('webhooks')
@ApiHeader({ name: 'X-Twilio-Signature', required: true })
@ApiForbiddenResponse({ description: 'Signature missing, invalid or not configured (TWILIO_AUTH_TOKEN)' })
@Public()
@UseGuards(TwilioSignatureGuard)
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly optOuts: OptOutsService,
  ) {}

  /** Message (MessageSid/MessageStatus) and call (CallSid/CallStatus) status callbacks. */
  @Post('status')
  @HttpCode(200)
  @RouteConfig(WEBHOOK_RATE_LIMIT)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'applied, duplicate, unmatched (kept for reconciliation) or ignored' })
  async status(@Body() params: Record<string, unknown>): Promise<{ outcome: CallbackOutcome }> {
    return { outcome: await this.receipts.twilioStatus(params) };
  }

  /** Inbound SMS/WhatsApp: STOP/START keywords; answers with TwiML. */
  @Post('inbound')
  @HttpCode(200)
  @RouteConfig(WEBHOOK_RATE_LIMIT)
  @Header('content-type', 'text/xml; charset=utf-8')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiOkResponse({ description: 'TwiML <Response>, with a <Message> confirming an opt-out or opt-in' })
  async inbound(@Body() params: Record<string, unknown>): Promise<string> {
    const result = await this.optOuts.handleInbound(params);
    const response = new twilio.twiml.MessagingResponse();
    const reply = replyFor(result.intent, result.channel);
    if (reply) response.message(reply);
    return response.toString();
  }
}
