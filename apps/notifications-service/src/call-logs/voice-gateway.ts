import twilio from 'twilio';
import type { NotificationsConfig } from '../config.js';

/** Places the ops user's leg of a click-to-call; Twilio bridges to the customer when they answer. */
export interface VoiceGateway {
  placeBridgedCall(input: { callerPhone: string; calleePhone: string; statusCallbackUrl: string }): Promise<{ callSid: string }>;
}

/** Injection token of the voice gateway (null when Twilio voice is not configured). */
export const VOICE_GATEWAY = Symbol('VOICE_GATEWAY');

/** The TwiML read to the ops user once they answer: dial the customer, reporting that leg's end too. */
export function bridgeTwiml(calleePhone: string, callerId: string, statusCallbackUrl: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language: 'en-IN' }, 'Connecting you to the customer.');
  response
    .dial({ callerId, answerOnBridge: true })
    .number({ statusCallback: statusCallbackUrl, statusCallbackEvent: ['completed'], statusCallbackMethod: 'POST' }, calleePhone);
  return response.toString();
}

/** Twilio voice through the real SDK (TWILIO_API_BASE_URL may aim it at a simulator); null without credentials. */
export function createVoiceGateway(config: NotificationsConfig): VoiceGateway | null {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_VOICE_FROM) return null;
  const client = twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, { timeout: 10_000, autoRetry: false });
  if (config.TWILIO_API_BASE_URL) client.api.baseUrl = config.TWILIO_API_BASE_URL.replace(/\/+$/, '');
  const from = config.TWILIO_VOICE_FROM;
  return {
    async placeBridgedCall({ callerPhone, calleePhone, statusCallbackUrl }) {
      const call = await client.calls.create({
        to: callerPhone,
        from,
        twiml: bridgeTwiml(calleePhone, from, statusCallbackUrl),
        statusCallback: statusCallbackUrl,
        statusCallbackEvent: ['completed'],
        statusCallbackMethod: 'POST',
      });
      return { callSid: call.sid };
    },
  };
}
