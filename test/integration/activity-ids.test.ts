import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditPayload, caucusChannel } from '@accord/shared';
import { connectRoom } from '../helpers/clients';
import { emit, type ResultOf } from '../helpers/emit';
import { startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Issue 15, Found 6: a party's activity feed around a caucus it was not in. With audit hashes for
 * ids, a party could rebuild an entry's hash from what the feed shows, guessing only its seq and
 * taking the id of the activity before as prevHash: where that works nothing hidden came between,
 * and the seq it finds counts the hidden entries. The ids must link to nothing.
 */
describe('activity ids reveal nothing about entries a party was not shown', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('a party’s feed around a caucus holds no seq or hash, and its ids cannot be linked to the chain', async () => {
    const c = await t.createCase('activity ids');
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const p = await connectRoom(t.url, c.tokens.platform, c.caseId);
    // Two activities in a row (nothing between them), then a caucus the platform is not in.
    expect((await emit(m, 'moderation:mute', { userId: c.userIds.customer, muted: true })).ok).toBe(true);
    expect((await emit(m, 'moderation:mute', { userId: c.userIds.customer, muted: false })).ok).toBe(true);
    expect((await emit(m, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      const sent = await emit(m, 'chat:send', {
        clientId: `hidden-${i}-xxxx`,
        text: '底线是多少？',
        channel: caucusChannel(c.userIds.customer),
      });
      expect(sent.ok).toBe(true);
    }
    expect((await emit(m, 'caucus:close', {})).ok).toBe(true);

    const feed = (await emit(p, 'activity:list', { limit: 50 })).data as ResultOf<'activity:list'>;
    expect(feed.entries.map((e) => e.kind)).toEqual([
      'member.muted',
      'member.unmuted',
      'caucus.opened',
      'caucus.closed',
    ]);
    const log = await t.server.audit.all(c.caseId);
    const hidden = log.filter((e) => e.kind === 'chat.message');
    expect(hidden).toHaveLength(3);
    const shown = JSON.stringify(feed);
    for (const e of log) expect(shown).not.toContain(e.hash);
    for (const e of feed.entries) {
      expect(e.id).toMatch(/^[0-9a-f]{32}$/);
      expect(JSON.stringify(e)).not.toMatch(/"seq"|prevHash/);
    }

    // The attack: rebuild each shown entry's hash from the feed, guessing seq and prevHash.
    const linked: string[] = [];
    const candidates = [GENESIS_HASH, ...feed.entries.map((e) => e.id)];
    for (const a of feed.entries) {
      for (const prevHash of candidates) {
        for (let seq = 1; seq <= 50; seq++) {
          const body = {
            caseId: a.caseId,
            seq,
            at: a.at,
            actorId: a.actor.userId,
            kind: a.kind,
            data: { actor: a.actor, target: a.target, detail: a.detail },
            prevHash,
          };
          if (sha256(auditPayload(body)) === a.id) linked.push(`${a.kind} at seq ${seq}`);
        }
      }
    }
    expect(linked).toEqual([]);

    // Paging by the opaque ids still works, live ids and listed ids alike.
    const live = await waitFor(() => p.activity.find((a) => a.kind === 'caucus.closed'), 'the live entry');
    expect(live.id).toBe(feed.entries[3]?.id);
    const older = (await emit(p, 'activity:list', { before: feed.entries[2]?.id, limit: 50 }))
      .data as ResultOf<'activity:list'>;
    expect(older.entries.map((e) => e.kind)).toEqual(['member.muted', 'member.unmuted']);
    expect(older.hasMore).toBe(false);
    m.close();
    p.close();
  });
});
