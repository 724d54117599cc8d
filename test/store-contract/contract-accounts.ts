import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { type ContractContext } from './context';

/** Staff accounts (edit, deactivate), lenders, a case's lender, the account-level audit trail. */
export function contractAccounts(t: ContractContext): void {
  const staff = (username: string, lenderId: string | null = null) => ({
    id: randomUUID(),
    kind: 'staff' as const,
    username,
    displayName: username,
    staffRole: lenderId ? ('platform' as const) : ('reviewer' as const),
    passwordHash: 'x',
    mustChangePassword: true,
    lenderId,
  });

  it('30. lenders are created, listed by name and renamed; an unknown one is null', async () => {
    const { store } = t;
    const b = await store.createLender({ id: randomUUID(), name: '乙金融' });
    const a = await store.createLender({ id: randomUUID(), name: 'Alpha Finance' });
    expect((await store.listLenders()).map((l) => l.name)).toEqual(['Alpha Finance', '乙金融']);
    expect(await store.renameLender(b.id, '乙消费金融')).toMatchObject({ id: b.id, name: '乙消费金融' });
    expect((await store.getLender(b.id))?.name).toBe('乙消费金融');
    expect(await store.getLender(a.id)).toMatchObject({ id: a.id, name: 'Alpha Finance' });
    expect(await store.getLender(randomUUID())).toBeNull();
    expect(await store.renameLender(randomUUID(), 'x')).toBeNull();
    await expect(store.createLender({ id: a.id, name: 'again' })).rejects.toThrow();
  });

  it('31. a new account is active with its lender; an update changes only what it names and is read back', async () => {
    const { store } = t;
    const lender = await store.createLender({ id: randomUUID(), name: 'L' });
    const created = await store.createUser(staff('li.lender', lender.id));
    expect(created).toMatchObject({ lenderId: lender.id, deactivatedAt: null, mustChangePassword: true });
    expect(await store.getUser(created.id)).toMatchObject({ lenderId: lender.id, deactivatedAt: null });
    const at = new Date().toISOString();
    const off = await store.updateUser(created.id, { deactivatedAt: at });
    expect(off).toMatchObject({
      deactivatedAt: at,
      staffRole: 'platform',
      lenderId: lender.id,
      displayName: 'li.lender',
    });
    const moved = await store.updateUser(created.id, { staffRole: 'reviewer', lenderId: null, displayName: '李' });
    expect(moved).toMatchObject({ staffRole: 'reviewer', lenderId: null, displayName: '李', deactivatedAt: at });
    expect(await store.getUserByUsername('li.lender')).toMatchObject({
      staffRole: 'reviewer',
      lenderId: null,
      displayName: '李',
      deactivatedAt: at,
    });
    expect(await store.updateUser(created.id, { deactivatedAt: null })).toMatchObject({ deactivatedAt: null });
    expect(await store.updateUser(randomUUID(), { displayName: 'nobody' })).toBeNull();
    // A guest has no lender and is never deactivated.
    expect(await store.getUser(t.userId)).toMatchObject({ lenderId: null, deactivatedAt: null });
  });

  it('32. a case keeps the lender it was filed against; one filed without has none', async () => {
    const { store } = t;
    const lender = await store.createLender({ id: randomUUID(), name: 'L' });
    const c = await store.createCase({
      id: randomUUID(),
      title: 'against L',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
      lenderId: lender.id,
    });
    expect(c.lenderId).toBe(lender.id);
    expect((await store.getCase(c.id))?.lenderId).toBe(lender.id);
    expect((await store.getCase(t.caseId))?.lenderId).toBeNull();
    await store.updateCase(c.id, { status: 'closed' });
    expect((await store.listCases({ status: 'closed' }))[0]?.lenderId).toBe(lender.id);
  });

  it('33. account events are kept in order, per target and all together', async () => {
    const { store } = t;
    const target = randomUUID();
    const other = randomUUID();
    const ev = (kind: string, targetId: string, at: string) => ({
      id: randomUUID(),
      at,
      actorId: kind === 'lender.created' ? null : t.userId,
      kind,
      targetId,
      data: { n: kind, nested: { ok: true } },
    });
    await store.appendAccountEvent(ev('account.deactivated', target, '2026-01-02T00:00:00.000Z'));
    await store.appendAccountEvent(ev('account.created', target, '2026-01-01T00:00:00.000Z'));
    await store.appendAccountEvent(ev('lender.created', other, '2026-01-03T00:00:00.000Z'));
    const mine = await store.listAccountEvents(target);
    expect(mine.map((e) => e.kind)).toEqual(['account.created', 'account.deactivated']);
    expect(mine[0]).toMatchObject({
      actorId: t.userId,
      targetId: target,
      data: { n: 'account.created', nested: { ok: true } },
    });
    const all = await store.listAccountEvents();
    expect(all.map((e) => e.kind)).toEqual(['account.created', 'account.deactivated', 'lender.created']);
    expect(all[2]?.actorId).toBeNull();
  });
}
