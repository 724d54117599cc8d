import { newId } from '../lib/ids';
import type { UserStore } from '../store/types';

/** A person who reaches one case through a link (an invite, a tracking link), with no account. */
export async function createGuest(store: Pick<UserStore, 'createUser'>, displayName: string): Promise<string> {
  const id = newId();
  await store.createUser({
    id,
    kind: 'guest',
    username: null,
    displayName,
    staffRole: null,
    passwordHash: null,
    mustChangePassword: false,
  });
  return id;
}
