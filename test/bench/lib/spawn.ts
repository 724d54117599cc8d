import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

/** Which core the server under test gets; the load generator pins itself to the other. */
export const SERVER_CORE = 1;
export const LOADGEN_CORE = 0;

const LOCK_DIR = join(tmpdir(), 'accord-bench.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One benchmark at a time on this machine: two load generators and their servers on the same two
 * cores would measure each other. Waits (synchronously, at start) until no other live benchmark
 * holds the lock, then holds it until this process exits. ACCORD_BENCH_NO_LOCK=1 skips it.
 */
export function holdMachineLock(): void {
  if (process.env.ACCORD_BENCH_NO_LOCK === '1') return;
  const pidFile = join(LOCK_DIR, 'pid');
  let told = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(pidFile, String(process.pid));
      process.once('exit', () => {
        try {
          if (readFileSync(pidFile, 'utf8') === String(process.pid)) rmSync(LOCK_DIR, { recursive: true, force: true });
        } catch {
          // Already gone.
        }
      });
      return;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(pidFile, 'utf8'));
      } catch {
        // Being created or removed right now.
      }
      if (Number.isFinite(holder) && holder > 0 && !alive(holder)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (!told) {
        console.log(`waiting for another benchmark (pid ${holder}) to finish…`);
        told = true;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
}

/**
 * Pins this process (the load generator) to its own core, where taskset exists, after taking the
 * machine's benchmark lock (see holdMachineLock).
 */
export function pinSelf(core = LOADGEN_CORE): boolean {
  holdMachineLock();
  if (!hasTaskset) return false;
  return spawnSync('taskset', ['-pc', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

export interface BenchProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server as a separate process (pinned to SERVER_CORE where taskset exists) and waits
 * for it to print `"event":"listening","port":N` (Accord's log line, which the baseline servers
 * under test/bench/servers/ print too).
 */
export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  core = SERVER_CORE,
  nodeArgs: readonly string[] = [],
): Promise<BenchProcess> {
  // nodeArgs: flags for node itself (e.g. --cpu-prof, which NODE_OPTIONS does not accept).
  const node = [process.execPath, ...nodeArgs, '--import', 'tsx', script, ...args];
  const cmd = hasTaskset ? ['taskset', '-c', String(core), ...node] : node;
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 60_000);
    const onData = () => {
      const m = /"event":"listening","port":(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
  // Under taskset the child is taskset's exec'd node: same pid.
  const pid = child.pid!;
  return {
    child,
    pid,
    port,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
