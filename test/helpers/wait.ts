/** When the running test's time limit runs out (set by test/setup.ts), or null outside a test. */
let testDeadline: number | null = null;
export const setTestDeadline = (at: number) => void (testDeadline = at);
export const clearTestDeadline = () => void (testDeadline = null);

/** Outside a test (in a hook): how long a wait may take by default. Below the suite's hookTimeout. */
const HOOK_WAIT_MS = 60_000;
/** Kept from the test's limit, so that a wait that never ends fails with its own message. */
const MARGIN_MS = 2_000;

/**
 * Polls `check` until it returns a truthy value. By default it waits as long as the running test may
 * take (a slow machine is not a failure); `ms` bounds it where a test means a bound.
 */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, ms?: number): Promise<NonNullable<T>> {
  const started = Date.now();
  const deadline = ms !== undefined ? started + ms : (testDeadline ?? started + HOOK_WAIT_MS) - MARGIN_MS;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const waited = `${Date.now() - started} ms`;
      throw new Error(
        `timed out after ${waited} waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
