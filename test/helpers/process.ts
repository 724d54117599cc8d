import { execFile, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnOwned } from './cleanup';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'server/src/cli.ts');

/**
 * Rate limits out of the way: the durability, reconnect, restart and scale workloads send as fast as
 * acks come back, far past what a person does. The hostile-input suite (test/security/proto-*) sets
 * the limits it tests, and checks there that the production defaults let the real client's bursts through.
 */
export const UNTHROTTLED: Record<string, string> = {
  ACCORD_EVENTS_PER_SECOND: '1000000',
  ACCORD_EVENTS_BURST: '1000000',
  ACCORD_CHAT_PER_SECOND: '1000000',
  ACCORD_CHAT_BURST: '1000000',
  ACCORD_YJS_MESSAGES_PER_SECOND: '1000000',
  ACCORD_YJS_MESSAGES_BURST: '1000000',
};
const run = promisify(execFile);

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

function env(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ACCORD_DATA_DIR: dataDir, ACCORD_LOG_LEVEL: 'info', ...extra };
}

/** Runs `accord <args>` as a newcomer would (through tsx), returning stdout. */
export async function runCli(args: string[], dataDir: string, extra: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    env: env(dataDir, extra),
  });
  return stdout;
}

/** How long a new `accord serve` may take to listen: tsx compiles the server first, slow on a loaded machine. */
const START_LIMIT_MS = 90_000;

/**
 * Starts `accord serve` as a separate process on a free port and waits for it to listen. The process
 * is the test file's (see `spawnOwned`): killed when the file ends if the test has not stopped it.
 */
export async function spawnServer(dataDir: string, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawnOwned(process.execPath, ['--import', 'tsx', cli, 'serve'], {
    cwd: repoRoot,
    env: env(dataDir, { PORT: '0', ...UNTHROTTLED, ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill9 = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let timer: NodeJS.Timeout | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`server did not listen within ${START_LIMIT_MS} ms:\n${out}`)),
      START_LIMIT_MS,
    );
    const onData = () => {
      const m = /"event":"listening","port":(\d+)/.exec(out);
      if (m?.[1]) {
        child.stdout?.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  })
    .catch(async (err: unknown) => {
      await kill9();
      throw err;
    })
    .finally(() => clearTimeout(timer));
  return {
    child,
    port,
    url: `http://localhost:${port}`,
    output: () => out,
    kill9,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
