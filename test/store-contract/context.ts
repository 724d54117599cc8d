import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { NewMessage, Store } from '@accord/server';

/** A guest user to send messages as (the setup of most store tests); returns its id. */
export async function createGuest(store: Store, displayName = 'x'): Promise<string> {
  const id = randomUUID();
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
