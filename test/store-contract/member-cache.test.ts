import { LocalBus, MemoryStore, withMemberCache } from '@accord/server';
import { registerStoreContract } from './contract';

// The cached store is still a store: the whole contract holds through it.
registerStoreContract(
  'memory, members cached',
  async () => withMemberCache(new MemoryStore(), new LocalBus('n')).store,
);
