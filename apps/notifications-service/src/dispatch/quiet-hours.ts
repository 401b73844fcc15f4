/** A daily window in a time zone, in minutes after local midnight; `start > end` spans midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

/** Parses `HH:MM-HH:MM` (config validated the shape); `off` means no quiet hours. */
export function parseQuietHours(spec: string, timeZone: string): QuietHours | null {
  if (spec === 'off') return null;
  const [start, end] = spec.split('-').map((part) => {
    const [h, m] = part.split(':').map(Number);
    return h * 60 + m;
  });
  if (start === end) return null;
  return { startMinute: start, endMinute: end, timeZone };
}

function localMinuteOfDay(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return value('hour') * 60 + value('minute');
}

/**
 * When `now` falls inside the quiet window, the instant the window ends (to hold a message
 * until then); null when messages may go now.
 */
export function quietHoursEnd(now: Date, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  const minute = localMinuteOfDay(now, quiet.timeZone);
  const { startMinute: start, endMinute: end } = quiet;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const minutesLeft = (end - minute + 1440) % 1440;
  const startOfMinute = now.getTime() - (now.getTime() % 60_000);
  return new Date(startOfMinute + minutesLeft * 60_000);
}
