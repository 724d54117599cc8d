/**
 * Hocuspocus 3.4.4 with its SQLite extension on a file (HOCUSPOCUS_DB, default a temp file), as a
 * baseline. Stock settings: the document is stored by `onStoreDocument` debounced (2 s, at most
 * every 10 s) and when the last connection closes; updates are relayed before they are stored.
 * Prints `{"event":"listening","port":N}` like Accord.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLite } from '@hocuspocus/extension-sqlite';
import { Server } from '@hocuspocus/server';

const database = process.env.HOCUSPOCUS_DB ?? join(mkdtempSync(join(tmpdir(), 'hocuspocus-')), 'db.sqlite');

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
  extensions: [new SQLite({ database })],
});
await server.listen();
console.log(JSON.stringify({ event: 'listening', port: server.address.port, database }));
