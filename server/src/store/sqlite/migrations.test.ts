import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './index';
import { sqliteMigrations } from './migrations';

const dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
