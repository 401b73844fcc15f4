import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '#platform/problem';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { toE164 } from '../recipients/phone.js';
import { Recipient } from '../recipients/recipient.entity.js';
import { ClickToCallErrorCode } from './call-logs.errors.js';
import { ClickToCall } from './click-to-call.entity.js';
import type { ClickToCallView, PlaceCallDto } from './dto/place-call.dto.js';
import { VOICE_GATEWAY, type VoiceGateway } from './voice-gateway.js';

/**
 * Click-to-call: rings the ops user's phone, then Twilio bridges to the customer. The attempt is
 * committed before the gateway is asked (a callback can never find it missing for long); the
 * customer leg's status callback writes the call log (see click-to-call-callbacks.ts).
 */
@Injectable()
export class ClickToCallService {
  private readonly logger = new Logger(ClickToCallService.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(VOICE_GATEWAY) private readonly gateway: VoiceGateway | null,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  async place(callerId: string, input: PlaceCallDto): Promise<ClickToCallView> {
    const em = this.em.fork();
    const calleePhone = this.phone('calleePhone', input.calleePhone);
    const callerPhone = input.callerPhone
      ? this.phone('callerPhone', input.callerPhone)
      : ((await em.findOne(Recipient, callerId))?.phone ?? null);
    if (!callerPhone) {
      throw new DomainError('invalid', ClickToCallErrorCode.NoCallerPhone, 'Invalid request: callerPhone', [
        { field: 'callerPhone', message: 'give callerPhone, or put a phone on your recipient directory entry' },
      ]);
    }
    // After the input checks: a bad request is a 422 whether or not voice is configured.
    if (!this.gateway) {
      throw new DomainError('unavailable', ClickToCallErrorCode.NotConfigured, 'Voice calls are not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_VOICE_FROM)');
    }
    const row = em.create(ClickToCall, {
      callerId,
      callerPhone,
      calleePhone,
      callType: input.callType,
      contextType: input.contextType,
      contextId: input.contextId,
    });
    await em.flush();

    try {
      const statusCallbackUrl = this.config.PUBLIC_BASE_URL.replace(/\/+$/, '') + '/webhooks/twilio/status';
      const { callSid } = await this.gateway.placeBridgedCall({ callerPhone, calleePhone, statusCallbackUrl });
      row.callSid = callSid;
      row.status = 'ringing_caller';
      await em.flush();
    } catch (error) {
      row.status = 'failed';
      row.errorMessage = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
      await em.flush();
      this.logger.warn({ clickToCallId: row.id, err: error }, 'the voice gateway refused the call');
      throw new DomainError('unavailable', ClickToCallErrorCode.GatewayRefused, 'The voice gateway did not place the call; try again');
    }
    return toView(row);
  }

  async get(id: string): Promise<ClickToCallView> {
    const row = await this.em.fork().findOne(ClickToCall, id);
    if (!row) throw new DomainError('not_found', ClickToCallErrorCode.NotFound, `Call ${id} does not exist`);
    return toView(row);
  }

  private phone(field: string, raw: string): string {
    const e164 = toE164(raw);
    if (!e164) {
      throw new DomainError('invalid', ClickToCallErrorCode.InvalidPhone, `Invalid request: ${field}`, [
        { field, message: 'must be a valid phone number (E.164, or Indian without country code)' },
      ]);
    }
    return e164;
  }
}

function toView(row: ClickToCall): ClickToCallView {
  return {
    id: row.id,
    callerId: row.callerId,
    callerPhone: row.callerPhone,
    calleePhone: row.calleePhone,
    callType: row.callType,
    contextType: row.contextType,
    contextId: row.contextId,
    callSid: row.callSid ?? null,
    status: row.status,
    callLogId: row.callLogId ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
