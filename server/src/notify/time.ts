/**
 * A session is kept as a wall-clock time in its zone (`2026-12-05T10:00:00`, `Asia/Shanghai`), as the
 * parties read it. Mail needs the instant: the calendar file, the reminders' times.
 */

/** The zone's offset from UTC at `ms`, in milliseconds (what Intl says the wall clock reads there). */
export function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time in `timeZone` names (in a DST gap, the moment after it; in an overlap, the first). */
export function zonedToUtc(local: string, timeZone: string): Date {
  const wall = Date.parse(`${local.slice(0, 19)}Z`);
  if (Number.isNaN(wall)) throw new Error(`not a local date-time: ${local}`);
  // Two rounds settle on the offset in force at the instant itself, also next to a transition.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return new Date(guess);
}

/** `20261205T020000Z`: an instant as iCalendar and calendar links write it. */
export function icsUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
