import { readFileSync, statSync, writeFileSync } from 'node:fs';
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

  it('`assist FILE` prints the facts of a complaint with their spans, and its dispute type, as JSON', async () => {
    const dir = makeTempDir('accord-cli-');
    const complaint =
      '我于2025年3月12日借款12,000元（借款合同编号：HT-2025-0042），今年9月失业，没有收入，' +
      '每月还款2,133元实在还不上，想申请延期或者分期，减免罚息。';
    const file = join(dir, 'complaint.txt');
    writeFileSync(file, complaint);
    const out = JSON.parse(await runCli(['assist', file], dir)) as {
      facts: { kind: string; cents?: number; span: { start: number; end: number; text: string } }[];
      type: { id: string; probability: number; ranking: { type: string; probability: number }[] };
    };
    for (const f of out.facts) expect(complaint.slice(f.span.start, f.span.end)).toBe(f.span.text);
    expect(out.facts.filter((f) => f.kind === 'amount').map((f) => f.cents)).toEqual([1_200_000, 213_300]);
    expect(out.facts.map((f) => f.kind)).toEqual(expect.arrayContaining(['date', 'reference', 'fee']));
    expect(out.type.id).toBe('hardship_repayment');
    expect(out.type.ranking).toHaveLength(8);
    expect(out.type.ranking.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 9);
    await expect(runCli(['assist', join(dir, 'missing.txt')], dir)).rejects.toMatchObject({
      stderr: expect.stringContaining('cannot read'),
    });
  });

  it('refuses an invalid configuration naming the variable', async () => {
    const dir = makeTempDir('accord-cli-');
    await expect(runCli(['demo'], dir, { PORT: 'eighty' })).rejects.toMatchObject({
      stderr: expect.stringContaining('PORT'),
    });
  });
});
