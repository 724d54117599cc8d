import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';

/**
 * Everything a test file starts (servers in this process, child processes, browsers, proxies) is
 * stopped when the file ends, however it ends: each start function registers its stop here, and
 * `test/setup.ts` (vitest's setupFiles) drains the list after the file's own afterAll hooks. A test
 * that times out leaves its code running; whatever that code starts after the drain is stopped at
 * once. Child processes are killed with the worker process besides (see `spawnOwned`).
 */
type Stop = () => unknown;
interface Entry {
  what: string;
  stop: Stop;
}

const entries = new Set<Entry>();
let drained = false;
/** How long one stop may take before the drain moves on to the next. */
const STOP_LIMIT_MS = 20_000;

async function runStop(entry: Entry): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(entry.stop),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not stop within ${STOP_LIMIT_MS} ms`)), STOP_LIMIT_MS);
      }),
    ]);
    return null;
  } catch (err) {
    return `${entry.what}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers how to stop something the test started. Returns the function to call once the test has
 * stopped it itself (so the drain does not stop it twice).
 */
export function onCleanup(what: string, stop: Stop): () => void {
  const entry: Entry = { what, stop };
  if (drained) {
    // Started by a test that had already timed out, after its file was cleaned up.
    void runStop(entry);
    return () => undefined;
  }
  entries.add(entry);
  return () => void entries.delete(entry);
}

/** Stops everything still registered, newest first; answers what failed to stop. */
export async function stopEverything(): Promise<string[]> {
  drained = true;
  const failures: string[] = [];
  for (const entry of [...entries].reverse()) {
    entries.delete(entry);
    const failure = await runStop(entry);
    if (failure) failures.push(failure);
  }
  return failures;
}

/**
 * Child process groups alive in this worker process. Kept on `process` rather than in this module:
 * vitest may load this module afresh for each test file in one worker, and the exit hooks below are
 * installed once per process.
 */
interface Owned {
  groups: Set<number>;
}
const OWNED = Symbol.for('accord.test.ownedProcessGroups');
const holder = process as NodeJS.Process & { [OWNED]?: Owned };

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function owned(): Owned {
  const existing = holder[OWNED];
  if (existing) return existing;
  const state: Owned = { groups: new Set() };
  holder[OWNED] = state;
  const killAll = () => {
    for (const pid of state.groups) killGroup(pid, 'SIGKILL');
    state.groups.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      // What the signal would have done without this listener (or what another listener does).
      process.kill(process.pid, signal);
    });
  }
  return state;
}

/** Debian's util-linux tool that sets the parent-death signal, then runs the command. */
const SETPRIV = '/usr/bin/setpriv';

export interface OwnedOptions extends SpawnOptions {
  /** The signal the child gets if this worker process dies without running its exit hooks. */
  parentDeathSignal?: 'KILL' | 'TERM';
}

/**
 * `spawn`, for a process the test owns: in a process group of its own, SIGKILLed with all it forked
 * when the file is cleaned up (unless stopped before) and when this worker process exits or is
 * signalled. If the worker dies without running any hook (SIGKILL, a crash), the kernel sends the
 * child `parentDeathSignal` (through `setpriv --pdeathsig`, where it exists).
 */
export function spawnOwned(command: string, args: string[], options: OwnedOptions = {}): ChildProcess {
  const { parentDeathSignal = 'KILL', ...spawnOptions } = options;
  const [cmd, argv] = existsSync(SETPRIV)
    ? [SETPRIV, [`--pdeathsig=${parentDeathSignal}`, '--', command, ...args]]
    : [command, args];
  const child = spawn(cmd, argv, { ...spawnOptions, detached: true });
  const pid = child.pid;
  if (pid === undefined) return child; // spawn failed; its 'error' event says why
  const state = owned();
  state.groups.add(pid);
  // For test/integration/cleanup.test.ts, which checks that every process started is gone afterwards.
  const log = process.env.ACCORD_TEST_SPAWN_LOG;
  if (log) appendFileSync(log, `${pid} ${command}\n`);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const forget = onCleanup(`${command} (pid ${pid})`, async () => {
    killGroup(pid, 'SIGKILL');
    await exited;
  });
  child.once('exit', () => {
    // Whatever the process forked and left behind goes with it.
    killGroup(pid, 'SIGKILL');
    state.groups.delete(pid);
    forget();
  });
  return child;
}
