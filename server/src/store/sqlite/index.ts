import { composedOf } from '../composed';
import type { Store, StoreAggregates } from '../types';
import { sqliteAudit } from './audit';
import { sqliteCases } from './cases';
import { sqliteChat, sqliteChatCommit } from './chat';
import { SqliteDb, type SqliteOptions } from './db';
import { sqliteDocCommit, sqliteDocs } from './docs';
import { sqliteEvidence } from './evidence';
import { sqliteHardship } from './hardship';
import { sqliteAssistant, sqliteSurveys } from './assistant';
import { sqliteQuestions } from './questions';
import { sqliteDocRequests } from './doc-requests';
import { sqliteRights } from './rights';
import { sqliteInvites } from './invites';
import { sqliteLenders } from './lenders';
import { sqliteMediators } from './mediators';
import { sqliteMembers } from './members';
import { sqliteOffers } from './offers';
import { sqliteNegotiation } from './negotiation';
import { sqliteOutbox } from './outbox';
import { sqliteRoomState } from './room-state';
import { sqliteSessions } from './sessions';
import { sqliteSignoff } from './signoff';
import { sqliteUsers } from './users';

export type { SqliteOptions } from './db';

/** The embedded store: one SQLite file in WAL mode, migrated on open; one module per aggregate. */
export class SqliteStore extends composedOf<StoreAggregates>() implements Store {
  readonly kind = 'sqlite';
  private readonly conn: SqliteDb;
  private readonly chatCommits;
  private readonly docCommits;

  constructor(options: SqliteOptions) {
    super();
    const c = new SqliteDb(options);
    const chat = sqliteChatCommit(c);
    const docs = sqliteDocCommit(c);
    // The chat commit waits while the WAL is being synced, and goes when the sync ends.
    c.afterSync = () => chat.schedule();
    this.conn = c;
    this.chatCommits = chat;
    this.docCommits = docs;
    const parts: StoreAggregates = {
      ...sqliteUsers(c),
      ...sqliteLenders(c),
      // Updates still waiting for their group commit are purged with the rest.
      ...sqliteCases(c, () => docs.flush()),
      ...sqliteEvidence(c),
      ...sqliteMediators(c),
      ...sqliteMembers(c),
      ...sqliteRoomState(c),
      ...sqliteAudit(c),
      ...sqliteInvites(c),
      ...sqliteSessions(c),
      ...sqliteChat(c, chat),
      ...sqliteSignoff(c),
      ...sqliteOutbox(c),
      ...sqliteHardship(c),
      ...sqliteAssistant(c),
      ...sqliteSurveys(c),
      ...sqliteQuestions(c),
      ...sqliteDocRequests(c),
      ...sqliteRights(c),
      ...sqliteDocs(c, docs),
      ...sqliteOffers(c),
      ...sqliteNegotiation(c),
    };
    Object.assign(this, parts);
  }

  /** The schema version this database is at. */
  get schemaVersion(): number {
    return this.conn.schemaVersion;
  }

  async ping(): Promise<void> {
    this.conn.stmt('SELECT 1').get();
  }

  async close(): Promise<void> {
    // Messages and updates waiting for their group commit are stored (and answered) before the file
    // closes, with the fsync in the commit.
    this.conn.closing = true;
    this.chatCommits.flush();
    this.docCommits.flush();
    await this.conn.close();
  }
}
