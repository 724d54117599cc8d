import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

/** Which core the server under test gets; the load generator pins itself to the other. */
export const SERVER_CORE = 1;
export const LOADGEN_CORE = 0;

/** Pins this process (the load generator) to its own core, where taskset exists. */
export function pinSelf(core = LOADGEN_CORE): boolean {
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
