import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { type ContractContext } from './context';

/** Cases and users: case numbers, unique usernames. */
export function contractCases(t: ContractContext): void {
  it('1. case numbers are unique and increasing within a year', async () => {
    const { store, caseId } = t;
    const second = await store.createCase({
      id: randomUUID(),
      title: 'b',
      summary: '',
      category: 'other',
      amountInDisputeCents: 0,
    });
    const first = await store.getCase(caseId);
    expect(first?.number).toMatch(/^AC-\d{4}-000001$/);
    expect(second.number).toMatch(/^AC-\d{4}-000002$/);
  });

  it('9. usernames are unique', async () => {
    const { store } = t;
    const staff = {
      kind: 'staff' as const,
      username: 'li.hua',
      displayName: 'Li',
      staffRole: 'platform' as const,
      passwordHash: 'x',
      mustChangePassword: false,
    };
    await store.createUser({ id: randomUUID(), ...staff });
    await expect(store.createUser({ id: randomUUID(), ...staff })).rejects.toThrow();
    expect(await store.countStaff()).toBe(1);
  });
}
