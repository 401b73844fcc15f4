import twilio from 'twilio';
import { classifyGatewayResponse, classifyNetworkError, isTransientStatus, redactContacts } from './error-classification.js';
import { fcmError } from './fcm.provider.js';
import { ProviderError } from './provider.js';
import { sendGridError } from './sendgrid.provider.js';
import { toProviderError } from './twilio.provider.js';

describe('delivery error classification', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
  ])('HTTP %i is transient: %s', (status, transient) => {
    expect(isTransientStatus(status)).toBe(transient);
  });

  it('keeps the gateway’s own code when it gave one, else the HTTP status', () => {
    expect(classifyGatewayResponse('twilio', 400, 21610, 'Attempt to send to unsubscribed recipient')).toMatchObject({
      transient: false,
      code: '21610',
      message: 'twilio: Attempt to send to unsubscribed recipient',
    });
    expect(classifyGatewayResponse('sendgrid', 503, null, '')).toMatchObject({ transient: true, code: '503', message: 'sendgrid: HTTP 503' });
  });

  it('masks phone numbers and emails a gateway echoes back', () => {
    expect(redactContacts("The 'To' number +919812345678 is not valid; cc asha.rao@example.com")).toBe(
      "The 'To' number +91******5678 is not valid; cc a***@example.com",
    );
    expect(redactContacts('queue full since 2026-11-21, error 21211')).toBe('queue full since 2026-11-21, error 21211');
  });

  it.each([
    [{ code: 'ECONNRESET' }, 'network'],
    [{ code: 'ECONNREFUSED' }, 'network'],
    [{ code: 'ECONNABORTED', message: 'timeout of 10000ms exceeded' }, 'timeout'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } }, 'network'],
    [{ message: 'timeout of 500ms exceeded' }, 'timeout'],
  ])('socket failure %j is transient %s', (error, code) => {
    expect(classifyNetworkError(error, 'x')).toMatchObject({ transient: true, code });
  });

  it('is not fooled by an HTTP error into calling it a network failure', () => {
    expect(classifyNetworkError({ status: 400, code: 21211 }, 'twilio')).toBeNull();
  });

  it('maps a Twilio RestException by status and code', () => {
    const invalid = new twilio.RestException({ statusCode: 400, body: { code: 21211, message: "The 'To' number 12345678901 is not a valid phone number." } });
    expect(toProviderError(invalid)).toMatchObject({ transient: false, code: '21211' });
    expect(toProviderError(invalid).message).not.toContain('12345678901');
    const outage = new twilio.RestException({ statusCode: 502, body: '<html>bad gateway</html>' });
    expect(toProviderError(outage)).toMatchObject({ transient: true, code: '502' });
    expect(toProviderError(new twilio.RestException({ statusCode: 429, body: { code: 20429, message: 'Too Many Requests' } }))).toMatchObject({
      transient: true,
      code: '20429',
    });
  });

  it('maps a SendGrid ResponseError by status, with its field messages', () => {
    const error = Object.assign(new Error('Bad Request'), {
      code: 400,
      response: { headers: {}, body: { errors: [{ field: 'from.email', message: 'The from email does not contain a valid address.' }] } },
    });
    expect(sendGridError(error)).toMatchObject({
      transient: false,
      code: '400',
      message: 'sendgrid: from.email: The from email does not contain a valid address.',
    });
    expect(sendGridError(Object.assign(new Error('Service Unavailable'), { code: 503, response: { body: '' } }))).toMatchObject({
      transient: true,
      code: '503',
    });
  });

  it('maps FCM errors by HTTP status when present, else by the SDK’s code', () => {
    expect(fcmError({ code: 'messaging/registration-token-not-registered', message: 'gone', httpResponse: { status: 404 } })).toMatchObject({
      transient: false,
      code: 'messaging/registration-token-not-registered',
    });
    expect(fcmError({ code: 'messaging/server-unavailable', message: 'busy' })).toMatchObject({ transient: true });
    expect(fcmError({ code: 'messaging/invalid-argument', message: 'bad' })).toMatchObject({ transient: false });
  });

  it('treats anything else as a permanent unexpected error, and passes ProviderErrors through', () => {
    expect(toProviderError(new TypeError('cannot read x'))).toMatchObject({ transient: false, code: 'unexpected' });
    const already = new ProviderError('twilio: TWILIO_SMS_FROM is not set', false, 'not_configured');
    expect(toProviderError(already)).toBe(already);
  });
});
