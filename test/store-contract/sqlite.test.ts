import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteStore } from '@accord/server';
import { registerBatchAtomicity, registerStoreContract } from './contract';

const dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

registerStoreContract('sqlite (file)', async () => new SqliteStore({ filename: join(dir, `t${n++}.db`) }));
registerBatchAtomicity('sqlite (file)', async () => new SqliteStore({ filename: join(dir, `t${n++}.db`) }));
