import { generateKeyPairSync, sign } from 'node:crypto';
import twilio from 'twilio';
import { checkSendgridSignature, checkTwilioSignature, publicUrlOf } from './signatures.js';

describe('Twilio signature check', () => {
  const url = 'https://notify.chargesol.in/webhooks/twilio/status';
  const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
  const good = twilio.getExpectedTwilioSignature('token', url, params);

  it('accepts the signature Twilio computes over URL and sorted params', () => {
    expect(checkTwilioSignature({ authToken: 'token', signature: good, url, params })).toBeNull();
  });

  it.each([
    ['not_configured', { authToken: undefined, signature: good }],
    ['missing', { authToken: 'token', signature: undefined }],
    ['invalid', { authToken: 'other', signature: good }],
    ['invalid', { authToken: 'token', signature: 'bm9wZQ==' }],
  ])('refuses as %s', (reason, input) => {
    expect(checkTwilioSignature({ ...input, url, params })).toBe(reason);
  });

  it('refuses changed parameters', () => {
    expect(checkTwilioSignature({ authToken: 'token', signature: good, url, params: { ...params, MessageStatus: 'failed' } })).toBe('invalid');
  });

  it('signs over the public base URL, keeping its path prefix and the query', () => {
    expect(publicUrlOf('https://x.in/notify/', '/webhooks/twilio/status?a=1')).toBe('https://x.in/notify/webhooks/twilio/status?a=1');
  });
});

describe('SendGrid signature check', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const now = new Date('2026-11-21T12:00:00Z');
  const ts = (offsetSeconds: number) => String(Math.floor(now.getTime() / 1000) + offsetSeconds);
  const body = Buffer.from('[{"event":"delivered"}]');
  const signed = (timestamp: string, payload = body) => sign('sha256', Buffer.concat([Buffer.from(timestamp), payload]), privateKey).toString('base64');

  it('accepts a fresh, correct signature over timestamp + raw body', () => {
    expect(checkSendgridSignature({ publicKey: key, signature: signed(ts(-10)), timestamp: ts(-10), rawBody: body, now })).toBeNull();
  });

  it.each([
    ['not_configured', () => ({ publicKey: undefined, signature: signed(ts(0)), timestamp: ts(0) })],
    ['missing', () => ({ publicKey: key, signature: undefined, timestamp: ts(0) })],
    ['missing', () => ({ publicKey: key, signature: signed(ts(0)), timestamp: undefined })],
    ['stale', () => ({ publicKey: key, signature: signed(ts(-301)), timestamp: ts(-301) })],
    ['stale', () => ({ publicKey: key, signature: signed(ts(120)), timestamp: ts(120) })],
    ['invalid', () => ({ publicKey: key, signature: signed(ts(0), Buffer.from('[]')), timestamp: ts(0) })],
    ['invalid', () => ({ publicKey: key, signature: 'not base64 DER', timestamp: ts(0) })],
    ['invalid', () => ({ publicKey: 'not-a-key', signature: signed(ts(0)), timestamp: ts(0) })],
    ['invalid', () => ({ publicKey: key, signature: signed(ts(0)), timestamp: '12ab' })],
  ])('refuses as %s', (reason, input) => {
    expect(checkSendgridSignature({ ...input(), rawBody: body, now })).toBe(reason);
  });
});
