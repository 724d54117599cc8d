import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/process';
import { makeTempDir } from '../helpers/server';
import { redisServerOrSkip } from '../helpers/services';
import { waitFor } from '../helpers/wait';

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!redisServerOrSkip('the clean-up check'))('what a test file starts is stopped however it ends', () => {
  it('a test that times out, or whose worker process is killed, leaves no process running', async () => {
    const log = join(makeTempDir('accord-cleanup-'), 'spawned.log');
    // A vitest run of its own over the fixtures, with this suite's set-up file (test/setup.ts).
    const run = await new Promise<{ failed: boolean; output: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          join(repoRoot, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--root',
          repoRoot,
          '--config',
          'test/fixtures/cleanup/vitest.config.ts',
        ],
        { cwd: repoRoot, env: { ...process.env, ACCORD_TEST_SPAWN_LOG: log } },
        (err, stdout, stderr) => resolve({ failed: err !== null, output: stdout + stderr }),
      ),
    );
    expect(run.failed).toBe(true);
    expect(run.output).toContain('Test timed out in 5000ms');
    // Every process spawnOwned started, logged as it started: at least the killed worker's two.
    const pids = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => Number(line.split(' ')[0]));
    expect(pids.length).toBeGreaterThanOrEqual(2);
    // The kernel's parent-death signal may still be on its way to what the killed worker left.
    await waitFor(() => !pids.some(running), `processes ${pids.join(', ')} gone`);
  });
});
