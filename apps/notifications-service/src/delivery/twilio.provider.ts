import type { NotificationChannel } from '#contracts';
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import { traceHeaders } from '#platform/tracing';
import { DeliveryErrorCode } from './delivery.errors.js';
import { classifyGatewayResponse, classifyNetworkError, unexpectedError } from './error-classification.js';
import { type DeliveryProvider, type OutboundMessage, ProviderError, type SendResult } from './provider.js';

/** What the Twilio adapter needs from configuration. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  smsFrom?: string;
  whatsappFrom?: string;
  voiceFrom?: string;
  /** Another host with Twilio's paths (a gateway simulator); Messages.json and Calls.json both go there. */
  apiBaseUrl?: string;
  /** Used when a message carries no callback URL of its own. */
  statusCallbackUrl: string;
  timeoutMs: number;
}

const CHANNELS: ReadonlySet<NotificationChannel> = new Set(['sms', 'whatsapp', 'call']);
/** Twilio will POST these call progress events; the webhook turns `completed`/`no-answer`/… into call logs. */
const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

/** Builds the TwiML a voice notification reads out: the rendered text, in Indian English. */
export function voiceTwiml(text: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language: 'en-IN' }, text);
  return response.toString();
}

/** WhatsApp addresses are the E.164 number prefixed `whatsapp:`; accept either form from configuration. */
export function whatsappAddress(number: string): string {
  return `whatsapp:${number.replace(/^whatsapp:/, '')}`;
}

/** Twilio's own HTTP client, adding the active trace context (`traceparent`) to every request it makes. */
class TracingRequestClient extends twilio.RequestClient {
  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, headers: { ...opts.headers, ...traceHeaders() } });
  }
}

/** SMS, WhatsApp and voice calls through the real Twilio SDK. */
export class TwilioProvider implements DeliveryProvider {
  readonly name = 'twilio';
  private readonly client: twilio.Twilio;

  constructor(private readonly settings: TwilioSettings) {
    // autoRetry stays off: retries belong to the dispatcher, which persists attempts and backs off with jitter.
    this.client = twilio(settings.accountSid, settings.authToken, {
      httpClient: new TracingRequestClient({ timeout: settings.timeoutMs, autoRetry: false }),
    });
    // `edge`/`region` cannot name localhost; the Api domain's base URL covers every /2010-04-01 resource.
    if (settings.apiBaseUrl) {
      this.client.api.baseUrl = settings.apiBaseUrl.replace(/\/+$/, '');
      // The SDK would otherwise rewrite the simulator's host with TWILIO_EDGE/TWILIO_REGION from the environment.
      this.client.edge = undefined;
      this.client.region = undefined;
    }
  }

  supports(channel: NotificationChannel): boolean {
    return CHANNELS.has(channel);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const statusCallback = message.statusCallbackUrl ?? this.settings.statusCallbackUrl;
    try {
      switch (message.channel) {
        case 'sms': {
          const from = this.sender(this.settings.smsFrom, 'TWILIO_SMS_FROM');
          const sent = await this.client.messages.create({ to: message.to, from, body: message.body, statusCallback });
          return { gatewayMessageId: sent.sid, provider: this.name };
        }
        case 'whatsapp': {
          const from = whatsappAddress(this.sender(this.settings.whatsappFrom, 'TWILIO_WHATSAPP_FROM'));
          const to = whatsappAddress(message.to);
          const sent = await this.client.messages.create({ to, from, body: message.body, statusCallback });
          return { gatewayMessageId: sent.sid, provider: this.name };
        }
        case 'call': {
          const from = this.sender(this.settings.voiceFrom, 'TWILIO_VOICE_FROM');
          const sent = await this.client.calls.create({
            to: message.to,
            from,
            twiml: voiceTwiml(message.body),
            statusCallback,
            statusCallbackEvent: CALL_EVENTS,
            statusCallbackMethod: 'POST',
            // Lets the completed callback say AnsweredBy=machine…, which the call log records as voicemail.
            machineDetection: 'Enable',
          });
          return { gatewayMessageId: sent.sid, provider: this.name };
        }
        default:
          throw new ProviderError(`twilio: channel ${message.channel} is not served`, false, DeliveryErrorCode.NotConfigured);
      }
    } catch (error) {
      throw toProviderError(error);
    }
  }

  private sender(value: string | undefined, variable: string): string {
    if (!value) throw new ProviderError(`twilio: ${variable} is not set`, false, DeliveryErrorCode.NotConfigured);
    return value;
  }
}

/** Twilio's RestException (status + numeric code) or an axios socket/timeout error, as a ProviderError. */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const network = classifyNetworkError(error, 'twilio');
  if (network) return network;
  if (error instanceof twilio.RestException || isRestExceptionShape(error)) {
    const { status, code, message } = error as { status: number; code?: number; message?: string };
    return classifyGatewayResponse('twilio', status, code, message);
  }
  return unexpectedError('twilio', error);
}

function isRestExceptionShape(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number' && !('isAxiosError' in error);
}
