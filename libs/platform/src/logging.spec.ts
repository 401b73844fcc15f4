import { maskEmail, maskPhone } from './logging.js';

describe('PII masking', () => {
  it('keeps only the country code and last four digits of a phone', () => {
    expect(maskPhone('+919812345678')).toBe('+91******5678');
  });

  it('keeps only the first letter and the domain of an email', () => {
    expect(maskEmail('asha.rao@example.com')).toBe('a***@example.com');
  });
});
