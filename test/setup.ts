import { afterAll, afterEach, beforeEach } from 'vitest';
import { stopEverything } from './helpers/cleanup';
import { clearTestDeadline, setTestDeadline } from './helpers/wait';

// vitest's setupFiles: runs in every test file's context, before the file itself.

// A wait inside a test may take as long as the test's own time limit allows (see waitFor).
beforeEach((ctx) => setTestDeadline(Date.now() + ctx.task.timeout));
afterEach(() => clearTestDeadline());

// Registered before the file's own hooks, so it runs after them: what they did not stop (a test that
// failed or timed out before its own clean-up, an afterAll that threw) is stopped here.
afterAll(async () => {
  const failures = await stopEverything();
  if (failures.length > 0) throw new Error(`clean-up failed:\n${failures.join('\n')}`);
});
