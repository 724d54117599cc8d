import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { NewOutboxMessage } from '@accord/server';
import { type ContractContext } from './context';

const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

/** The outbox of notices: claimed with a lease, sent once, retried, dropped, cancelled. */
export function contractOutbox(t: ContractContext): void {
  const mail = (caseId: string, notBeforeMs: number, kind = 'reminder'): NewOutboxMessage => ({
    id: randomUUID(),
    caseId,
    kind,
    recipient: `customer:${caseId}`,
    payload: '{}',
    notBefore: at(notBeforeMs),
    expiresAt: null,
  });

  it('40. a message is claimed only once due, by one owner while its lease lasts, and counted', async () => {
    const { store, caseId } = t;
    const early = mail(caseId, 0);
    const later = mail(caseId, 60_000);
    await store.enqueueMail([early, later]);
    const first = await store.claimMail('a', at(1000), at(31_000), 10);
    expect(first.map((m) => m.id)).toEqual([early.id]);
    expect(first[0]).toMatchObject({ attempts: 1, leaseOwner: 'a', sentAt: null });
    // Another node, while the lease lasts: nothing.
    expect(await store.claimMail('b', at(2000), at(32_000), 10)).toEqual([]);
    // After it (the first node died): the other takes it over; the first can no longer mark it.
    const taken = await store.claimMail('b', at(31_000), at(61_000), 1);
    expect(taken.map((m) => [m.id, m.attempts])).toEqual([[early.id, 2]]);
    expect(await store.markMailSent(early.id, 'a', at(31_500))).toBe(false);
    expect(await store.markMailSent(early.id, 'b', at(31_500))).toBe(true);
    expect(await store.markMailSent(early.id, 'b', at(31_600))).toBe(false);
    // Sent: never claimed again; the later one is due at its time.
    expect((await store.claimMail('a', at(70_000), at(100_000), 10)).map((m) => m.id)).toEqual([later.id]);
  });

  it('41. concurrent claims never hand one message to two owners', async () => {
    const { store, caseId } = t;
    const many = Array.from({ length: 20 }, () => mail(caseId, 0));
    await store.enqueueMail(many);
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => store.claimMail(owner, at(1000), at(60_000), 7)),
    );
    const ids = claims.flat().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(20);
  });

  it('42. a failure gives the lease back with the next attempt; a drop and a cancel end it unsent', async () => {
    const { store, caseId } = t;
    const a = mail(caseId, 0);
    const b = mail(caseId, 0, 'outcome');
    const c = mail(caseId, 500_000);
    await store.enqueueMail([a, b, c]);
    await store.claimMail('n', at(0), at(30_000), 2);
    await store.markMailFailed(a.id, 'n', at(10_000), 'connection refused');
    await store.markMailDropped(b.id, 'n', at(1), 'no_address');
    expect(await store.claimMail('n', at(5000), at(30_000), 10)).toEqual([]);
    const retried = await store.claimMail('n', at(10_000), at(40_000), 10);
    expect(retried.map((m) => [m.id, m.attempts, m.lastError])).toEqual([[a.id, 2, 'connection refused']]);
    // Cancelling skips what is leased (it may be on the wire) and what is done.
    expect(await store.cancelMail(caseId, ['reminder', 'outcome'], at(11_000), 'rescheduled')).toBe(1);
    await store.releaseMail('n');
    expect(await store.cancelMail(caseId, ['reminder'], at(12_000), 'rescheduled')).toBe(1);
    expect(await store.claimMail('n', at(1_000_000), at(1_100_000), 10)).toEqual([]);
    const list = await store.listMail(caseId);
    expect(list.map((m) => [m.id, m.dropReason, m.sentAt])).toEqual(
      expect.arrayContaining([
        [a.id, 'rescheduled', null],
        [b.id, 'no_address', null],
        [c.id, 'rescheduled', null],
      ]),
    );
  });
}
