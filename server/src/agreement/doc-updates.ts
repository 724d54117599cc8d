import * as decoding from 'lib0/decoding';
import * as random from 'lib0/random';
import * as Y from 'yjs';
import type { StoredDoc } from '../store/types';
import type { DocConnection } from './live-doc';
import type { CitedEvidence } from './citation-guard';
import { landedCitationProblem } from './citation-guard';
import type { rootsOf } from './schema-guard';
import { landedSchemaProblem } from './schema-guard';
import { landedTermsProblem } from './terms-guard';
import { landedTermChanges, type currentTermItems, type TermChange } from './term-changes';

/** Small readings and builders of Yjs updates and documents that a live document needs (live-doc.ts). */

/**
 * An update with no structs and an empty delete set, read from its two leading counts alone (a full
 * decode of every update just to find the empty ones cost as much as applying them). Throws when
 * even those cannot be read.
 */
export function isEmptyUpdate(update: Uint8Array): boolean {
  const d = decoding.createDecoder(update);
  return decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 0;
}

/**
 * What an Awareness takes from its Y.Doc (y-protocols 1.0.7 reads `clientID` and subscribes to
 * 'destroy', nothing else). The server's awareness only relays the clients' states and has none of
 * its own, so it needs a client id, not a document: a Y.Doc of its own (maps, sets, promises,
 * observers) cost about 2 KB per loaded document. Its id is drawn as Yjs draws one. No 'destroy' is
 * ever emitted: LiveDoc.destroy destroys the awareness itself.
 */
export function awarenessCarrier(): Y.Doc {
  const carrier = { clientID: random.uint32(), on: () => undefined };
  return carrier as unknown as Y.Doc;
}

/**
 * The Yjs client ids of the content an update brings that the document does not have yet: who
 * wrote it. Content it only repeats (a client resending what it received from others) names nobody.
 */
export function newContentClients(decoded: ReturnType<typeof Y.decodeUpdate>, doc: Y.Doc): number[] {
  const clients = new Set<number>();
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (struct instanceof Y.Item && clock + struct.length > Y.getState(doc.store, client)) clients.add(client);
  }
  return [...clients];
}

/** A document built from what the store holds of it: the snapshot, then every update after it. */
export function buildYDoc(stored: StoredDoc): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
  });
  return doc;
}

/** An update as Y.decodeUpdate reads it (structs and delete set), before it is applied. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * A member's update being applied (LiveDoc.applyUpdate): what the document's listeners, registered
 * once per Y.Doc (LiveDoc.adopt), collect about the transaction it makes. One object per update instead
 * of two listener closures added and removed for each.
 */
export interface Applying {
  from: DocConnection;
  /** The update as Yjs encodes what it changed (null: it changed nothing). */
  effective: Uint8Array | null;
  badTerm: string | null;
  outsideSchema: string | null;
  badCitation: string | null;
  /** Citations to judge (citation-guard.ts) and the evidence looked up for them. */
  toCheck: string[] | null;
  cited: CitedEvidence | null;
  /** The terms before it, to say what it changed (documents that hold terms, with a listener). */
  termsBefore: ReturnType<typeof currentTermItems> | null;
  termChanges: TermChange[];
}

/** Judges where a member's update landed (schema, terms, citations) and notes what terms it changed. */
export function judgeLanded(
  doc: Y.Doc,
  tr: Y.Transaction,
  a: Applying,
  roots: ReturnType<typeof rootsOf>,
  docName: string,
): void {
  a.badTerm ??= landedTermsProblem(doc, tr);
  a.outsideSchema ??= landedSchemaProblem(doc, tr, roots);
  if (a.toCheck) a.badCitation ??= landedCitationProblem(doc, tr, docName, a.cited);
  if (a.termsBefore && a.badTerm === null && a.outsideSchema === null) {
    a.termChanges.push(...landedTermChanges(doc, tr, a.termsBefore));
  }
}
