import { composedOf } from '../composed';
import type { Store, StoreAggregates } from '../types';
import { postgresAudit } from './audit';
import { postgresCases } from './cases';
import { postgresChat } from './chat';
import { PgDb, type PostgresOptions } from './db';
import { postgresDocs } from './docs';
import { postgresEvidence } from './evidence';
import { postgresHardship } from './hardship';
import { postgresAssistant, postgresSurveys } from './assistant';
import { postgresQuestions } from './questions';
import { postgresDocRequests } from './doc-requests';
import { postgresRights } from './rights';
import { postgresInvites } from './invites';
import { postgresLenders } from './lenders';
import { postgresMediators } from './mediators';
import { postgresMembers } from './members';
import { postgresOffers } from './offers';
import { postgresNegotiation } from './negotiation';
import { postgresOutbox } from './outbox';
import { postgresRoomState } from './room-state';
import { postgresSessions } from './sessions';
import { postgresSignoff } from './signoff';
import { postgresUsers } from './users';

export type { PostgresOptions } from './db';

/**
 * The durable store of a multi-node deployment: PostgreSQL through `pg`, one module per aggregate.
 * Same contract as SQLite (the shared contract suite runs on both). Per-case
 * serialisation (sequence numbers, the audit chain, room state) uses
 * transaction-scoped advisory locks, so concurrent nodes never fork a chain.
 */
export class PostgresStore extends composedOf<StoreAggregates>() implements Store {
  readonly kind = 'postgres';

  private constructor(private readonly db: PgDb) {
    super();
    const parts: StoreAggregates = {
      ...postgresUsers(db),
      ...postgresLenders(db),
      ...postgresCases(db),
      ...postgresEvidence(db),
      ...postgresMediators(db),
      ...postgresMembers(db),
      ...postgresRoomState(db),
      ...postgresAudit(db),
      ...postgresInvites(db),
      ...postgresSessions(db),
      ...postgresChat(db),
      ...postgresSignoff(db),
      ...postgresOutbox(db),
      ...postgresDocs(db),
      ...postgresOffers(db),
      ...postgresNegotiation(db),
      ...postgresHardship(db),
      ...postgresAssistant(db),
      ...postgresSurveys(db),
      ...postgresQuestions(db),
      ...postgresDocRequests(db),
      ...postgresRights(db),
    };
    Object.assign(this, parts);
  }

  static async open(options: PostgresOptions): Promise<PostgresStore> {
    return new PostgresStore(await PgDb.open(options));
  }

  /** Answers whether the database is reachable (readiness). */
  async ping(): Promise<void> {
    await this.db.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.db.pool.end();
  }
}
