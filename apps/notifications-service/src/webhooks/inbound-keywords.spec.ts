import { inboundChannel, intentOf, replyFor } from './inbound-keywords.js';

describe('inbound keywords', () => {
  it.each(['STOP', 'stop', ' Stop ', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'stop.'])('%p opts out', (body) => {
    expect(intentOf(body)).toBe('opt_out');
  });

  it.each(['START', 'start', 'UNSTOP', 'YES', 'yes!'])('%p opts back in', (body) => {
    expect(intentOf(body)).toBe('opt_in');
  });

  it.each(['HELP', 'info'])('%p asks for help', (body) => {
    expect(intentOf(body)).toBe('help');
  });

  it.each(['please stop calling me at night', 'STOP IT', '', null, undefined, 'Thanks'])('%p is an ordinary message', (body) => {
    expect(intentOf(body)).toBe('none');
  });

  it('tells WhatsApp from SMS by the whatsapp: prefix', () => {
    expect(inboundChannel('whatsapp:+919812345678')).toBe('whatsapp');
    expect(inboundChannel('+919812345678')).toBe('sms');
  });

  it('confirms opt-out and opt-in on the channel used, and says nothing to ordinary messages', () => {
    expect(replyFor('opt_out', 'whatsapp')).toMatch(/unsubscribed from ChargeSol WhatsApp/);
    expect(replyFor('opt_in', 'sms')).toMatch(/subscribed to ChargeSol SMS/);
    expect(replyFor('none', 'sms')).toBeNull();
  });
});
