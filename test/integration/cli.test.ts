import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_LENDER, SqliteStore } from '@accord/server';
import { connectRoom } from '../helpers/clients';
import { runCli, spawnServer, type ServerProcess } from '../helpers/process';
import { acceptInvite, makeTempDir } from '../helpers/server';

// Stopped gracefully; what a failed test leaves is killed, and the directories removed, when the file ends.
const procs: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
});

describe('the accord CLI', () => {
  it('`serve` on an empty data dir seeds a demo case, prints three invite links and where the admin password is', async () => {
    const dir = makeTempDir('accord-cli-');
    const proc = await spawnServer(dir);
    procs.push(proc);
    const file = join(dir, 'admin-password.txt');
    await expect.poll(() => proc.output()).toContain(file);
    const out = proc.output();
    const links = [...out.matchAll(/(customer|platform|mediator)\s+(http\S+\/join\/\S+)/g)];
    expect(links.map((m) => m[1])).toEqual(['customer', 'platform', 'mediator']);
    // The one-time password is in a file only its owner can read, and nowhere in the output (the logs).
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThan(10);
    expect(out).not.toContain(password);

    // Each link lets its party into the same case with the right role: the parties wait in the
    // lobby until the mediator admits them.
    const clients = [];
    for (const [, role, link] of links) {
      const session = await acceptInvite(proc.url, link ?? '');
      const client = await connectRoom(proc.url, session.token, session.caseId, {
        waitFor: role === 'mediator' ? 'welcome' : 'lobby',
      });
      const seen = role === 'mediator' ? client.welcomes[0] : client.lobby[0];
      expect(seen?.you.role).toBe(role);
      expect(seen?.title).toMatch(/服务费/);
      clients.push(client);
    }
    const [customer, , mediator] = clients;
    const admitted = await mediator?.socket.emitWithAck('lobby:admit', { all: true });
    expect(admitted?.ok && admitted.data.admitted).toHaveLength(2);
    await expect.poll(() => customer?.welcomes.length).toBe(1);
    clients.forEach((c) => c.close());

    const login = await fetch(`${proc.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
  });

  it('`demo --json` prints a case id and three invite URLs as JSON', async () => {
    const dir = makeTempDir('accord-cli-');
    const out = JSON.parse(
      await runCli(['demo', '--json'], dir, { ACCORD_PUBLIC_URL: 'https://accord.example.org' }),
    ) as { caseId: string; invites: Record<string, string> };
    expect(out.caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(out.invites)).toEqual(['customer', 'platform', 'mediator']);
    for (const url of Object.values(out.invites)) expect(url).toMatch(/^https:\/\/accord\.example\.org\/join\/\S+$/);
    // The demo complaint is against the demo lender, made once however many demos follow.
    await runCli(['demo', '--json'], dir);
    const store = new SqliteStore({ filename: join(dir, 'accord.db') });
    try {
      const lenders = await store.listLenders();
      expect(lenders.map((l) => l.name)).toEqual([DEMO_LENDER]);
      expect((await store.getCase(out.caseId))?.lenderId).toBe(lenders[0]?.id);
    } finally {
      await store.close();
    }
  });

  it('`demo --json` prints nothing but its JSON on stdout, whatever the server logs (to stderr)', async () => {
    const dir = makeTempDir('accord-cli-');
    // No client build there: the server warns of it, and at info it logs its start too.
    const out = await runCli(['demo', '--json'], dir, {
      ACCORD_CLIENT_DIST: makeTempDir('accord-no-client-'),
      ACCORD_LOG_LEVEL: 'info',
    });
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(JSON.parse(out) as object)).toEqual(['caseId', 'invites']);
  });

  it('refuses an invalid configuration naming the variable', async () => {
    const dir = makeTempDir('accord-cli-');
    await expect(runCli(['demo'], dir, { PORT: 'eighty' })).rejects.toMatchObject({
      stderr: expect.stringContaining('PORT'),
    });
  });
});
