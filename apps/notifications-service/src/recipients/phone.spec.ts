import { customerRecipientId, toE164 } from './phone.js';

describe('phone numbers', () => {
  it('normalizes Indian numbers in any common spelling to E.164', () => {
    for (const raw of ['9812345678', '+91 98123 45678', '098123-45678', '919812345678', 'whatsapp:+919812345678']) {
      expect(toE164(raw)).toBe('+919812345678');
    }
  });

  it('keeps foreign numbers with their own country code', () => {
    expect(toE164('+1 415 555 2671')).toBe('+14155552671');
  });

  it('rejects what is not a phone number', () => {
    expect(toE164('12')).toBeNull();
    expect(toE164('')).toBeNull();
    expect(toE164(null)).toBeNull();
  });

  it('derives one customer id per number', () => {
    expect(customerRecipientId('+919812345678')).toBe('cust:+919812345678');
  });
});
