import { createServer } from 'node:net';

/**
 * A free port below the kernel's ephemeral range (32768 and up): a process restarted on the same
 * port must not find it taken by the local end of some outgoing connection meanwhile.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
