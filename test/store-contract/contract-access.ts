import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createGuest, type ContractContext } from './context';

/** Access: invites and their sessions, memberships, member flags and removal. */
export function contractAccess(t: ContractContext): void {
  it('7. revoking an invite revokes the sessions opened through it, and only those', async () => {
    const { store, caseId, userId } = t;
    const invite = await store.createInvite({
      id: randomUUID(),
      pinHash: null,
      caseId,
      userId,
      role: 'customer',
      displayName: '王女士',
      createdBy: null,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const expiresAt = invite.expiresAt;
    const s1 = await store.createSession({ id: randomUUID(), userId, caseId, inviteId: invite.id, expiresAt });
    const s2 = await store.createSession({ id: randomUUID(), userId, caseId: null, inviteId: null, expiresAt });
    const revoked = await store.revokeInvite(invite.id, new Date().toISOString());
    expect(revoked).toEqual([s1.id]);
    expect((await store.getInvite(invite.id))?.revokedAt).not.toBeNull();
    expect((await store.getSession(s1.id))?.revokedAt).not.toBeNull();
    expect((await store.getSession(s2.id))?.revokedAt).toBeNull();
    const s3 = await store.createSession({ id: randomUUID(), userId, caseId: null, inviteId: null, expiresAt });
    expect(await store.revokeUserSessions(userId, s3.id, new Date().toISOString())).toEqual([s2.id]);
    expect((await store.getSession(s3.id))?.revokedAt).toBeNull();
  });

  it("7b. resetting a member's PINs clears only their unrevoked PINs, and says when", async () => {
    const { store, caseId, userId } = t;
    const base = { caseId, role: 'customer' as const, displayName: '王女士', createdBy: null };
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const mine = await store.createInvite({ ...base, id: randomUUID(), pinHash: 'h1', userId, expiresAt });
    const unclaimed = await store.createInvite({ ...base, id: randomUUID(), pinHash: null, userId, expiresAt });
    const revoked = await store.createInvite({ ...base, id: randomUUID(), pinHash: 'h2', userId, expiresAt });
    await store.revokeInvite(revoked.id, new Date().toISOString());
    const other = await store.createInvite({
      ...base,
      id: randomUUID(),
      pinHash: 'h3',
      userId: await createGuest(store, '李先生'),
      expiresAt,
    });
    expect(mine.pinResetAt).toBeNull();
    const at = new Date().toISOString();
    expect(await store.resetInvitePins(caseId, userId, at)).toEqual([mine.id]);
    expect(await store.getInvite(mine.id)).toMatchObject({ pinHash: null, pinResetAt: at });
    expect(await store.getInvite(unclaimed.id)).toMatchObject({ pinHash: null, pinResetAt: null });
    expect(await store.getInvite(revoked.id)).toMatchObject({ pinHash: 'h2', pinResetAt: null });
    expect(await store.getInvite(other.id)).toMatchObject({ pinHash: 'h3', pinResetAt: null });
    // The new PIN is claimed once; a second reset finds nothing more to clear until then.
    expect(await store.resetInvitePins(caseId, userId, at)).toEqual([]);
    expect(await store.claimInvitePin(mine.id, 'h4')).toBe(true);
    expect(await store.claimInvitePin(mine.id, 'h5')).toBe(false);
    expect(await store.getInvite(mine.id)).toMatchObject({ pinHash: 'h4', pinResetAt: at });
  });

  it('8. a membership is one role per person per case and lists with its case', async () => {
    const { store, caseId, userId } = t;
    await store.putMember({ caseId, userId, role: 'observer', displayName: 'a' });
    await store.putMember({ caseId, userId, role: 'customer', displayName: '王女士' });
    expect((await store.listMembers(caseId)).map((m) => m.role)).toEqual(['customer']);
    const ms = await store.listMemberships(userId);
    expect(ms).toHaveLength(1);
    expect(ms[0]?.case.id).toBe(caseId);
    expect(await store.getMember(caseId, randomUUID())).toBeNull();
  });

  it('12. member flags, admitting everyone waiting, and removal revoking access', async () => {
    const { store, caseId, userId } = t;
    const m = await store.putMember({ caseId, userId, role: 'customer', displayName: '王女士' });
    expect(m).toMatchObject({ admitted: false, muted: false, handRaised: false, removedAt: null });
    expect(await store.setMemberFlags(caseId, userId, { muted: true })).toMatchObject({
      muted: true,
      admitted: false,
    });
    expect(await store.admitAll(caseId)).toEqual([userId]);
    expect(await store.admitAll(caseId)).toEqual([]);
    // Re-putting a member (a new invite) keeps the flags.
    expect(await store.putMember({ caseId, userId, role: 'customer', displayName: '王' })).toMatchObject({
      admitted: true,
      muted: true,
    });
    const invite = await store.createInvite({
      id: randomUUID(),
      pinHash: null,
      caseId,
      userId,
      role: 'customer',
      displayName: '王女士',
      createdBy: null,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const s1 = await store.createSession({
      id: randomUUID(),
      userId,
      caseId,
      inviteId: invite.id,
      expiresAt: invite.expiresAt,
    });
    expect(await store.removeMember(caseId, userId, new Date().toISOString())).toEqual([s1.id]);
    expect((await store.getMember(caseId, userId))?.removedAt).not.toBeNull();
    expect(await store.listMembers(caseId)).toEqual([]);
    expect(await store.listMemberships(userId)).toEqual([]);
    expect((await store.getInvite(invite.id))?.revokedAt).not.toBeNull();
    expect(await store.setMemberFlags(caseId, userId, { muted: false })).toBeNull();
  });
}
