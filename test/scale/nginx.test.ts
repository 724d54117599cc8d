import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDoc, connectRoom, newClientId, waitSynced, type RoomClient } from '../helpers/clients';
import { spawnOwned } from '../helpers/cleanup';
import { freePort } from '../helpers/net';
import { repoRoot, runCli, spawnServer, type ServerProcess } from '../helpers/process';
import { DATABASE_URL, REDIS_URL, databaseUrlIn, servicesOrSkip, testSchema } from '../helpers/services';
import { acceptInvite, makeTempDir } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { bodyText, draft } from '../helpers/agreement-body';

const NGINX = '/usr/sbin/nginx';
function nginxOrSkip(): boolean {
  if (existsSync(NGINX)) return true;
  if (process.env.CI === 'true') throw new Error('nginx is required under CI: apt-get install -y nginx-light');
  console.warn('\n!!! SKIPPING NGINX TESTS — nginx not installed (apt-get install -y nginx-light)\n');
  return false;
}

const available = (await servicesOrSkip('nginx and node-failure tests')) && nginxOrSkip();

describe.skipIf(!available)('three nodes behind nginx', () => {
  const schema = testSchema('g');
  const dir = makeTempDir('accord-nginx-');
  const nodes: ServerProcess[] = [];
  const ports: number[] = [];
  let nginx: ChildProcess | null = null;
  let front = '';
  let env: Record<string, string> = {};
  let caseId = '';
  const tokens: Record<string, string> = {};
  const clients: RoomClient[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const frontPort = await freePort();
    front = `http://127.0.0.1:${frontPort}`;
    env = {
      REDIS_URL,
      DATABASE_URL: databaseUrlIn(schema),
      ACCORD_REDIS_PREFIX: `accord-g-${randomBytes(4).toString('hex')}`,
      ACCORD_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      ACCORD_DATA_KEY: randomBytes(32).toString('base64'),
      ACCORD_PUBLIC_URL: front,
      ACCORD_SEED: 'false',
    };
    // The demo case is created through the same database, as an operator would.
    const demo = JSON.parse(await runCli(['demo', '--json'], dir, env)) as {
      caseId: string;
      invites: Record<'customer' | 'platform' | 'mediator', string>;
    };
    caseId = demo.caseId;
    for (let i = 0; i < 3; i++) {
      const node = await spawnServer(dir, { ...env, PORT: String(await freePort()) });
      nodes.push(node);
      ports.push(node.port);
    }
    const conf = readFileSync(join(repoRoot, 'deploy/nginx.conf'), 'utf8')
      .replace(/server 127\.0\.0\.1:8081/, `server 127.0.0.1:${ports[0]}`)
      .replace(/server 127\.0\.0\.1:8082/, `server 127.0.0.1:${ports[1]}`)
      .replace(/server 127\.0\.0\.1:8083/, `server 127.0.0.1:${ports[2]}`)
      .replace('listen 8080;', `listen 127.0.0.1:${frontPort};`)
      .replace(
        'worker_processes 1;',
        `worker_processes 1;\ndaemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx-error.log;`,
      )
      .replace(
        'http {',
        `http {\n  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  fastcgi_temp_path ${dir}/fastcgi;\n  uwsgi_temp_path ${dir}/uwsgi;\n  scgi_temp_path ${dir}/scgi;`,
      );
    mkdirSync(join(dir, 'nginx'), { recursive: true });
    writeFileSync(join(dir, 'nginx.conf'), conf);
    // TERM if this worker dies: the nginx master then stops its worker, which holds the port too.
    nginx = spawnOwned(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
      stdio: 'ignore',
      parentDeathSignal: 'TERM',
    });
    await waitFor(async () => (await fetch(`${front}/health/ready`).catch(() => null))?.ok, 'nginx in front');
    for (const role of ['customer', 'platform', 'mediator'] as const) {
      tokens[role] = (await acceptInvite(front, demo.invites[role])).token;
    }
    const mediator = await connectRoom(front, tokens.mediator ?? '', caseId);
    expect((await mediator.socket.emitWithAck('room:settings', { lobby: false })).ok).toBe(true);
    for (const phase of ['joint', 'drafting'] as const) {
      expect((await mediator.socket.emitWithAck('room:phase', { phase })).ok).toBe(true);
    }
    mediator.close();
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    nginx?.kill('SIGTERM');
    await Promise.all(nodes.filter((n) => n.child.exitCode === null).map((n) => n.stop()));
  });

  it('clients through nginx converge: chat and the agreement', async () => {
    const customer = await connectRoom(front, tokens.customer ?? '', caseId);
    const platform = await connectRoom(front, tokens.platform ?? '', caseId);
    clients.push(customer, platform);
    expect((await customer.send('经由 nginx')).ok).toBe(true);
    await waitFor(() => platform.messages.some((m) => m.text === '经由 nginx'), 'delivered through nginx');
    const a = connectDoc(front, caseId, tokens.customer ?? '');
    const b = connectDoc(front, caseId, tokens.platform ?? '');
    await Promise.all([waitSynced(a), waitSynced(b)]);
    draft(a.doc).insert(0, 'through nginx');
    await waitFor(() => bodyText(b.doc) === 'through nginx', 'doc through nginx');
    a.destroy();
    b.destroy();
  });

  it('participants spread over the three processes converge: chat, presence, edits and moderation', async () => {
    const [customer, platform, mediator] = await Promise.all(
      (['customer', 'platform', 'mediator'] as const).map((role, i) =>
        connectRoom(`http://127.0.0.1:${ports[i]}`, tokens[role] ?? '', caseId),
      ),
    );
    if (!customer || !platform || !mediator) throw new Error('not connected');
    clients.push(customer, platform, mediator);
    await waitFor(
      () => mediator.presence.at(-1)?.participants.filter((p) => p.online).length === 3,
      'presence across processes',
    );
    const acks = await Promise.all([customer.send('一号节点'), platform.send('二号节点'), mediator.send('三号节点')]);
    expect(acks.every((a) => a.ok)).toBe(true);
    for (const c of [customer, platform, mediator]) {
      await waitFor(
        () => ['一号节点', '二号节点', '三号节点'].every((x) => c.messages.some((m) => m.text === x)),
        'all',
      );
    }
    expect((await mediator.socket.emitWithAck('room:pin', { text: '跨节点公告' })).ok).toBe(true);
    await waitFor(() => customer.states.at(-1)?.pinned?.text === '跨节点公告', 'moderation across processes');
    const docs = (['customer', 'platform', 'mediator'] as const).map((role, i) =>
      connectDoc(`http://127.0.0.1:${ports[i]}`, caseId, tokens[role] ?? ''),
    );
    await Promise.all(docs.map(waitSynced));
    docs.forEach((d, i) => draft(d.doc).insert(0, `n${i}`));
    await waitFor(
      () =>
        new Set(docs.map((d) => bodyText(d.doc))).size === 1 &&
        ['n0', 'n1', 'n2'].every((n) => bodyText(docs[0]!.doc).includes(n)),
      'edits converge across processes',
    );
    docs.forEach((d) => d.destroy());
  });

  it('a node killed with SIGKILL: its clients reconnect through nginx to another node and lose nothing acknowledged', async () => {
    const customer = await connectRoom(front, tokens.customer ?? '', caseId);
    const mediator = await connectRoom(front, tokens.mediator ?? '', caseId);
    clients.push(customer, mediator);
    const writer = connectDoc(front, caseId, tokens.mediator ?? '');
    await waitSynced(writer);
    // All clients come from one address, so nginx sends them all to one node: find it by its metrics.
    const loads = await Promise.all(
      ports.map(async (p) => {
        const text = await (await fetch(`http://127.0.0.1:${p}/metrics`)).text();
        return Number(/accord_connections\{kind="room"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    const victim = loads.indexOf(Math.max(...loads));
    const acked = new Set<string>();
    let running = true;
    const loop = (async () => {
      while (running) {
        const id = newClientId();
        const ack = await Promise.race([
          customer.send(`kill ${id}`, id).catch(() => null),
          sleep(1000).then(() => null),
        ]);
        if (ack?.ok) acked.add(id);
        await sleep(5);
      }
    })();
    const body = draft(writer.doc);
    for (let i = 0; i < 20; i++) body.insert(body.length, String(i % 10));
    await waitFor(() => acked.size >= 20, 'workload under way');
    await nodes[victim]?.kill9();
    await sleep(1500);
    running = false;
    await loop;
    // Back through nginx on a surviving node, everything acknowledged is there.
    const reader = await connectRoom(front, tokens.platform ?? '', caseId, { lastSeq: 0 });
    clients.push(reader);
    const head = reader.welcomes[0]?.headSeq ?? 0;
    await waitFor(() => reader.messages.length === head, 'replayed');
    const stored = new Set(reader.messages.map((m) => m.clientId));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
    await waitFor(() => customer.socket.connected && customer.welcomes.length >= 2, 'the customer is back');
    const after = connectDoc(front, caseId, tokens.platform ?? '');
    await waitSynced(after);
    expect(bodyText(after.doc)).toContain('0123456789');
    after.destroy();
    writer.destroy();
  });

  it('a rolling restart (SIGTERM one node at a time) during a workload loses nothing acknowledged, and clients are back within seconds', async () => {
    // A rolling restart starts from a healthy deployment: bring back a node an earlier test killed.
    for (let i = 0; i < nodes.length; i++) {
      if (nodes[i]?.child.exitCode === null && nodes[i]?.child.signalCode === null) continue;
      nodes[i] = await spawnServer(dir, { ...env, PORT: String(ports[i]) });
    }
    const customer = await connectRoom(front, tokens.customer ?? '', caseId);
    const platform = await connectRoom(front, tokens.platform ?? '', caseId);
    clients.push(customer, platform);
    const writer = connectDoc(front, caseId, tokens.mediator ?? '');
    await waitSynced(writer);
    const body = draft(writer.doc);
    // Earlier tests typed into the same agreement.
    const typedBefore = body.length;
    const acked = new Set<string>();
    let running = true;
    const chat = (async () => {
      while (running) {
        const id = newClientId();
        const ack = await Promise.race([
          customer.send(`roll ${id}`, id).catch(() => null),
          sleep(1000).then(() => null),
        ]);
        if (ack?.ok) acked.add(id);
        await sleep(10);
      }
    })();
    let edits = 0;
    const editing = (async () => {
      while (running) {
        body.insert(body.length, String(edits++ % 10));
        await sleep(20);
      }
    })();
    const dropped = new Map<RoomClient, number>();
    for (const c of [customer, platform]) c.socket.on('disconnect', () => dropped.set(c, (dropped.get(c) ?? 0) + 1));
    const backAfter: number[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const port = ports[i] ?? 0;
      dropped.clear();
      const welcomed = new Map([customer, platform].map((c) => [c, c.welcomes.length]));
      const stoppedAt = Date.now();
      expect(await nodes[i]?.stop()).toBe(0);
      await sleep(300);
      // The clients this node held must be back in the room (a new welcome) on another node.
      const moved = [...dropped.keys()];
      if (moved.length > 0) {
        await waitFor(
          () => moved.every((c) => c.socket.connected && c.welcomes.length > (welcomed.get(c) ?? 0)),
          'clients back in the room on another node',
          10_000,
        );
        backAfter.push(Date.now() - stoppedAt);
      }
      nodes[i] = await spawnServer(dir, { ...env, PORT: String(port) });
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok,
        'restarted node ready',
        15_000,
      );
    }
    expect(backAfter.length).toBeGreaterThan(0);
    running = false;
    await Promise.all([chat, editing]);
    console.log(
      `rolling restart: ${acked.size} messages acknowledged, ${edits} edits, back after ${backAfter.join(' / ')} ms`,
    );
    expect(acked.size).toBeGreaterThan(20);
    const reader = await connectRoom(front, tokens.platform ?? '', caseId, { lastSeq: 0 });
    clients.push(reader);
    const head = reader.welcomes[0]?.headSeq ?? 0;
    await waitFor(() => reader.messages.length === head, 'replayed');
    const seqs = reader.messages.map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const stored = new Set(reader.messages.map((m) => m.clientId));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
    // The writer's offline edits reach the server once it is back; then a fresh client sees every one.
    const expected = bodyText(writer.doc);
    expect(body.length - typedBefore).toBe(edits);
    await waitFor(() => writer.provider.wsconnected && writer.provider.synced, 'writer resynced');
    const after = connectDoc(front, caseId, tokens.platform ?? '');
    await waitSynced(after);
    await waitFor(() => bodyText(after.doc) === expected, 'every edit stored');
    after.destroy();
    writer.destroy();
  }, 300_000);
});
