import { registerStoreContract } from './contract';
import { MemoryStore } from './memory';

registerStoreContract('memory', async () => new MemoryStore());
