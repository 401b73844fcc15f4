import { parseQuietHours, quietHoursEnd } from './quiet-hours.js';

const quiet = parseQuietHours('21:00-09:00', 'Asia/Kolkata');
// IST is UTC+05:30.
const ist = (local: string) => new Date(`${local}+05:30`);

describe('quiet hours', () => {
  it('holds a message sent late in the evening until 09:00 the next morning', () => {
    expect(quietHoursEnd(ist('2026-11-21T22:15:30'), quiet)?.toISOString()).toBe(ist('2026-11-22T09:00:00').toISOString());
  });

  it('holds a message sent after midnight until 09:00 the same morning', () => {
    expect(quietHoursEnd(ist('2026-11-22T03:40:00'), quiet)?.toISOString()).toBe(ist('2026-11-22T09:00:00').toISOString());
  });

  it('lets messages go during the day, at the window edges too', () => {
    expect(quietHoursEnd(ist('2026-11-22T09:00:00'), quiet)).toBeNull();
    expect(quietHoursEnd(ist('2026-11-22T14:00:00'), quiet)).toBeNull();
    expect(quietHoursEnd(ist('2026-11-22T20:59:59'), quiet)).toBeNull();
    expect(quietHoursEnd(ist('2026-11-22T21:00:00'), quiet)).not.toBeNull();
  });

  it('supports a window within one day and off', () => {
    const lunch = parseQuietHours('13:00-14:00', 'Asia/Kolkata');
    expect(quietHoursEnd(ist('2026-11-22T13:30:00'), lunch)?.toISOString()).toBe(ist('2026-11-22T14:00:00').toISOString());
    expect(quietHoursEnd(ist('2026-11-22T12:30:00'), lunch)).toBeNull();
    expect(parseQuietHours('off', 'Asia/Kolkata')).toBeNull();
    expect(quietHoursEnd(ist('2026-11-22T23:00:00'), null)).toBeNull();
  });
});
