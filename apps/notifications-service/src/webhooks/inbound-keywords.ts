/** What an inbound SMS/WhatsApp asks of us. */
export type InboundIntent = 'opt_out' | 'opt_in' | 'help' | 'none';

// Twilio's standard opt-out / opt-in / help keywords (the carrier-mandated set).
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'UNSTOP', 'YES']);
const HELP = new Set(['HELP', 'INFO']);

/** Reads a keyword the way carriers do: the whole message, trimmed, any case, trailing punctuation ignored. */
export function intentOf(body: string | undefined | null): InboundIntent {
  const word = (body ?? '').trim().replace(/[.!?]+$/, '').toUpperCase();
  if (OPT_OUT.has(word)) return 'opt_out';
  if (OPT_IN.has(word)) return 'opt_in';
  if (HELP.has(word)) return 'help';
  return 'none';
}

/** The channel an inbound message came on: Twilio prefixes WhatsApp addresses with `whatsapp:`. */
export function inboundChannel(from: string): 'sms' | 'whatsapp' {
  return from.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
}

/** The reply we send back for an intent (null: reply with an empty TwiML response). */
export function replyFor(intent: InboundIntent, channel: 'sms' | 'whatsapp'): string | null {
  const name = channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
  switch (intent) {
    case 'opt_out':
      return `You have been unsubscribed from ChargeSol ${name} messages. Reply START to resubscribe.`;
    case 'opt_in':
      return `You are subscribed to ChargeSol ${name} messages again. Reply STOP to unsubscribe.`;
    case 'help':
      return 'ChargeSol home EV charger installations. Reply STOP to unsubscribe, START to resubscribe.';
    case 'none':
      return null;
  }
}
