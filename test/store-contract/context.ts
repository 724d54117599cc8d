import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { NewMessage, Store } from '@accord/server';
import { createGuest as createGuestUser } from '../../server/src/cases/guest';

/** A guest user to send messages as (the setup of most store tests), made as the server makes one; its id. */
export const createGuest = (store: Store, displayName = 'x'): Promise<string> => createGuestUser(store, displayName);

/** What every contract test starts from: a fresh store, a guest user and a case (set before each test). */
export interface ContractContext {
  readonly store: Store;
  readonly caseId: string;
  readonly userId: string;
  /** A chat message from the guest on the joint channel. */
  readonly msg: (clientId: string, text?: string) => NewMessage;
}

/** Opens a fresh store before each test of the calling `describe` and closes it after. */
export function contractContext(factory: () => Promise<Store>): ContractContext {
  let store: Store;
  let caseId: string;
  let userId: string;

  beforeEach(async () => {
    store = await factory();
    userId = await createGuest(store, '王女士');
    const c = await store.createCase({
      id: randomUUID(),
      title: 'Fee dispute',
      summary: '',
      category: 'fees_and_charges',
      amountInDisputeCents: 128_000,
    });
    caseId = c.id;
  });
  afterEach(async () => {
    await store.close();
  });

  const msg = (clientId: string, text = `text of ${clientId}`): NewMessage => ({
    id: randomUUID(),
    caseId,
    channel: 'joint',
    clientId,
    senderId: userId,
    senderName: '王女士',
    senderRole: 'customer',
    text,
    createdAt: new Date().toISOString(),
  });

  return {
    get store() {
      return store;
    },
    get caseId() {
      return caseId;
    },
    get userId() {
      return userId;
    },
    msg,
  };
}
