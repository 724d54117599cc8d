import { performance } from 'node:perf_hooks';

/**
 * Calls `send(scheduledAt)` on a fixed schedule: `count` senders, each at `ratePerSec`, phases
 * spread evenly, for `durationMs`. Latency is then measured from the scheduled time, not from when
 * the generator got round to sending, so a stalled generator cannot hide server latency
 * (coordinated omission). Resolves when the last send has been made.
 */
export function runSchedule(
  count: number,
  ratePerSec: number,
  durationMs: number,
  send: (sender: number, scheduledAt: number) => void,
): Promise<number> {
  const interval = 1000 / ratePerSec;
  const events: { at: number; sender: number }[] = [];
  const t0 = performance.now() + 50;
  for (let s = 0; s < count; s++) {
    const phase = (interval * s) / count;
    for (let at = phase; at < durationMs; at += interval) events.push({ at: t0 + at, sender: s });
  }
  events.sort((a, b) => a.at - b.at);
  let i = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < events.length && events[i]!.at <= now) {
        const e = events[i++]!;
        send(e.sender, e.at);
      }
      if (i >= events.length) resolve(events.length);
      else setTimeout(tick, Math.max(0, Math.min(1, events[i]!.at - performance.now())));
    };
    setTimeout(tick, 50);
  });
}
