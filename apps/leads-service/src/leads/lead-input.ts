import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { FieldError } from '#platform/problem';

/** The editable contact and address fields of a lead as they come in, from any channel. */
export interface LeadContactInput {
  customerName?: string;
  customerPhone?: string;
  customerEmail?: string | null;
  addressLine1?: string;
  addressLine2?: string | null;
  city?: string;
  state?: string;
  pincode?: string;
  latitude?: number | null;
  longitude?: number | null;
  chargerModel?: string | null;
}

/** The same fields ready to store: phone in E.164, email lower-cased, coordinates as numeric(9,6) text. */
export interface NormalizedLeadContact {
  customerName?: string;
  customerPhone?: string;
  customerEmail?: string | null;
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  pincode?: string;
  latitude?: string | null;
  longitude?: string | null;
  chargerModel?: string | null;
}

const PINCODE = /^[1-9][0-9]{5}$/;
// Pragmatic address check (the WHATWG form rule); DTOs already ran class-validator's IsEmail.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Normalizes a phone to E.164, India by default; null when it is not a valid number. */
export function toE164(phone: string): string | null {
  const parsed = parsePhoneNumberFromString(phone.trim(), 'IN');
  if (!parsed || !parsed.isValid()) return null;
  // The seeds' column is CharField(15): every Indian number (+91 and 10 digits) fits.
  return parsed.number.length <= 15 ? parsed.number : null;
}

const coordinate = (value: number, limit: number): string | null =>
  Number.isFinite(value) && Math.abs(value) <= limit ? value.toFixed(6) : null;

/**
 * Applies the business's rules to lead contact fields (E.164 phone, 6-digit pincode, email,
 * coordinate ranges), returning the storable values or the fields that break a rule.
 */
export function normalizeLeadContact(input: LeadContactInput): { value: NormalizedLeadContact; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const value: NormalizedLeadContact = {};
  const text = (key: keyof LeadContactInput & keyof NormalizedLeadContact, max: number, required: boolean) => {
    const raw = input[key];
    if (raw === undefined) return;
    const trimmed = typeof raw === 'string' ? raw.trim() : raw;
    if ((trimmed === null || trimmed === '') && required) errors.push({ field: key, message: `${key} must not be empty` });
    else if (typeof trimmed === 'string' && trimmed.length > max) {
      errors.push({ field: key, message: `${key} must be at most ${max} characters` });
    } else (value as Record<string, unknown>)[key] = trimmed;
  };
  text('customerName', 200, true);
  text('addressLine1', 255, true);
  text('city', 100, true);
  text('state', 100, true);
  text('chargerModel', 100, false);
  if (input.addressLine2 !== undefined) {
    const line2 = (input.addressLine2 ?? '').trim();
    if (line2.length > 255) errors.push({ field: 'addressLine2', message: 'addressLine2 must be at most 255 characters' });
    else value.addressLine2 = line2;
  }
  if (value.chargerModel === '') value.chargerModel = null;

  if (input.customerPhone !== undefined) {
    const phone = toE164(input.customerPhone);
    if (phone) value.customerPhone = phone;
    else errors.push({ field: 'customerPhone', message: 'customerPhone must be a valid phone number (India by default)' });
  }
  if (input.customerEmail !== undefined) {
    const email = input.customerEmail?.trim().toLowerCase() || null;
    if (email && (email.length > 254 || !EMAIL.test(email))) {
      errors.push({ field: 'customerEmail', message: 'customerEmail must be a valid email address' });
    } else value.customerEmail = email;
  }
  if (input.pincode !== undefined) {
    const pincode = input.pincode.trim();
    if (PINCODE.test(pincode)) value.pincode = pincode;
    else errors.push({ field: 'pincode', message: 'pincode must be a 6-digit Indian pincode' });
  }
  for (const [key, limit] of [['latitude', 90], ['longitude', 180]] as const) {
    const raw = input[key];
    if (raw === undefined) continue;
    if (raw === null) value[key] = null;
    else {
      const fixed = coordinate(raw, limit);
      if (fixed === null) errors.push({ field: key, message: `${key} must be between -${limit} and ${limit}` });
      else value[key] = fixed;
    }
  }
  return { value, errors };
}
