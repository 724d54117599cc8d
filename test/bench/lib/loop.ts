import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Above this, the load generator itself is too late to send on schedule and the run is void. */
export const VOID_LOOP_P99_MS = 10;

/**
 * Watches the load generator's own event loop. A late generator would charge its own
 * delay to the server under test, so a step whose p99 delay exceeds 10 ms is reported void.
 */
export class LoopWatch {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  start(): void {
    this.h.reset();
    this.h.enable();
  }
  stop(): { p99Ms: number; void: boolean } {
    this.h.disable();
    const p99Ms = this.h.percentile(99) / 1e6;
    return { p99Ms, void: p99Ms > VOID_LOOP_P99_MS };
  }
}
