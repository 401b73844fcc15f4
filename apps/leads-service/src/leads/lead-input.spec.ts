import { normalizeLeadContact, toE164 } from './lead-input.js';

describe('toE164', () => {
  it.each([
    ['9812345678', '+919812345678'],
    ['+91 98123 45678', '+919812345678'],
    ['098123-45678', '+919812345678'],
    ['+1 415 555 2671', '+14155552671'],
  ])('normalizes %s to %s', (input, expected) => expect(toE164(input)).toBe(expected));

  it.each(['12345', 'not a phone', '+91 12345', ''])('rejects %s', (input) => expect(toE164(input)).toBeNull());
});

describe('normalizeLeadContact', () => {
  it('stores coordinates with 6 decimals and trims text', () => {
    const { value, errors } = normalizeLeadContact({
      customerName: '  Asha Rao ',
      customerPhone: '9812345678',
      customerEmail: ' Asha@Example.COM ',
      pincode: '560001',
      latitude: 12.9715987,
      longitude: 77.5945627,
      addressLine2: null,
    });
    expect(errors).toEqual([]);
    expect(value).toEqual({
      customerName: 'Asha Rao',
      customerPhone: '+919812345678',
      customerEmail: 'asha@example.com',
      pincode: '560001',
      latitude: '12.971599',
      longitude: '77.594563',
      addressLine2: '',
    });
  });

  it('names every field that breaks a rule', () => {
    const { errors } = normalizeLeadContact({
      customerName: '   ',
      customerPhone: '123',
      customerEmail: 'nope',
      pincode: '012345',
      latitude: 91,
      longitude: -181,
    });
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['customerEmail', 'customerName', 'customerPhone', 'latitude', 'longitude', 'pincode'].sort(),
    );
  });

  it('leaves absent fields absent (a patch touches only what it names)', () => {
    expect(normalizeLeadContact({ city: 'Pune' })).toEqual({ value: { city: 'Pune' }, errors: [] });
  });
});
