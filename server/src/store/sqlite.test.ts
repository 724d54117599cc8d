import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBatchAtomicity, registerStoreContract } from './contract';
import { SqliteStore } from './sqlite';
import { sqliteMigrations } from './sqlite/migrations';

const dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

registerStoreContract('sqlite (file)', async () => new SqliteStore({ filename: join(dir, `t${n++}.db`) }));
registerBatchAtomicity('sqlite (file)', async () => new SqliteStore({ filename: join(dir, `t${n++}.db`) }));

describe('SqliteStore migrations', () => {
  it('migrates a new file to the latest version and reopens it without re-running', async () => {
    const file = join(dir, 'migrate.db');
    const a = new SqliteStore({ filename: file });
    expect(a.schemaVersion).toBe(sqliteMigrations.length);
    await a.close();
    const b = new SqliteStore({ filename: file });
    expect(b.schemaVersion).toBe(sqliteMigrations.length);
    await b.close();
  });
});
