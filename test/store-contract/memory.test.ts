import { registerStoreContract } from './contract';
import { MemoryStore } from '@accord/server';

registerStoreContract('memory', async () => new MemoryStore());
