import { clauseConsent, hashedClauses, type AgreementClause, type NegotiationState } from '@accord/shared';
import * as Y from 'yjs';
import type { AccordServer } from '@accord/server';
import { connectDoc, waitSynced, type RoomClient } from './clients';
import { emit } from './emit';
import { waitFor } from './wait';

export type HashedClause = AgreementClause & { hash: string };

/**
 * The agreement's clauses with their hashes, in the case's language (from `client`'s welcome): as a
 * member reads them, the document synced from the server over y-websocket (as `client`); or, given
 * the `server`, as it stores them (for agreements seeded into the store while the document is loaded).
 */
export async function readClauses(client: RoomClient, server?: AccordServer): Promise<HashedClause[]> {
  const welcome = client.welcomes.at(-1);
  if (!welcome) throw new Error('the client has not entered the room');
  const language = welcome.language;
  if (server) {
    await server.docs.flush(welcome.caseId);
    const stored = await server.store.loadDoc(welcome.caseId);
    const doc = new Y.Doc();
    try {
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u.data);
      return await hashedClauses(doc, language);
    } finally {
      doc.destroy();
    }
  }
  const reader = connectDoc(client.url, welcome.caseId, client.token);
  try {
    await waitSynced(reader);
    return await hashedClauses(reader.doc, language);
  } finally {
    reader.destroy();
  }
}

/** Whether a state shows both parties' agreement to every clause as it reads now. */
export const allAgreed = (state: NegotiationState | undefined, clauses: readonly HashedClause[]): boolean =>
  state !== undefined && clauseConsent(clauses, state.consent).every((c) => c.agreed);

/**
 * Both parties agree to every clause of the agreement as it reads now (setup for tests of signing,
 * which needs it: shared/signoff-rules), and every one of them has received the state showing it.
 * `watchers` are other clients that must have received it too; `server` reads the clauses from the
 * store (see readClauses). Returns the clauses agreed to.
 */
export async function agreeToEveryClause(
  parties: { customer: RoomClient; platform: RoomClient },
  { watchers = [], server }: { watchers?: RoomClient[]; server?: AccordServer } = {},
): Promise<HashedClause[]> {
  const clauses = await readClauses(parties.customer, server);
  for (const party of [parties.customer, parties.platform]) {
    for (const clause of clauses) {
      const reply = await emit(party, 'consent:set', {
        clauseId: clause.id,
        hash: clause.hash,
        state: 'agreed',
        reason: '',
      });
      if (!reply.ok) throw new Error(`consent to clause ${clause.number} refused: ${reply.error.message}`);
    }
  }
  for (const client of [parties.customer, parties.platform, ...watchers]) {
    await waitFor(() => allAgreed(client.negotiation.at(-1), clauses), 'everyone sees every clause agreed');
  }
  return clauses;
}
