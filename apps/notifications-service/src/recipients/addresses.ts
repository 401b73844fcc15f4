import type { NotificationChannel } from '#contracts';

/** The contact points of a directory entry that a channel can use. */
export interface ContactPoints {
  phone?: string | null;
  email?: string | null;
  whatsapp?: string | null;
  pushToken?: string | null;
  optOutSms?: boolean;
  optOutWhatsapp?: boolean;
  optOutEmail?: boolean;
  optOutPush?: boolean;
  optOutCall?: boolean;
}

/** Where a channel's message goes for this recipient, or null when they have no such address. */
export function addressFor(channel: NotificationChannel, contact: ContactPoints): string | null {
  switch (channel) {
    case 'sms':
    case 'call':
      return contact.phone ?? null;
    case 'whatsapp':
      return contact.whatsapp ?? contact.phone ?? null;
    case 'email':
      return contact.email ?? null;
    case 'push':
      return contact.pushToken ?? null;
  }
}

/** Whether the recipient said STOP (or opted out) on this channel. */
export function hasOptedOut(channel: NotificationChannel, contact: ContactPoints): boolean {
  const flags: Record<NotificationChannel, boolean | undefined> = {
    sms: contact.optOutSms,
    whatsapp: contact.optOutWhatsapp,
    email: contact.optOutEmail,
    push: contact.optOutPush,
    call: contact.optOutCall,
  };
  return flags[channel] === true;
}
