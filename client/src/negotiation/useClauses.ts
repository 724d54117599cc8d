import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { hashedClauses, type CaseLanguage } from '@accord/shared';
import type { HashedClause } from './consentView';

/**
 * Typing bursts change the document many times a second; clauses are hashed at most this often.
 * Throttled rather than debounced: while anyone keeps typing, a debounce would never fire, and the
 * list would show clauses as they were before the burst (seen in the room while a party filled in a plan).
 */
const THROTTLE_MS = 250;

/**
 * The agreement's clauses with their hashes, kept current as the document changes (debounced), in
 * the case's language (the canonical text the server hashes is written in it, whatever the page's
 * language). Null until the document is there and first hashed.
 */
export function useHashedClauses(doc: Y.Doc | null, language: CaseLanguage | null): HashedClause[] | null {
  // Kept with the document and language they were read from: another document's clauses are not these.
  const [held, setHeld] = useState<{ doc: Y.Doc; language: CaseLanguage; clauses: HashedClause[] } | null>(null);
  useEffect(() => {
    if (!doc || !language) return;
    let live = true;
    // Only the latest run's answer counts: hashing is asynchronous, an earlier run may finish later.
    let run = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const compute = () => {
      const mine = ++run;
      void hashedClauses(doc, language).then((c) => {
        if (live && mine === run) setHeld({ doc, language, clauses: c });
      });
    };
    const schedule = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        compute();
      }, THROTTLE_MS);
    };
    compute();
    doc.on('update', schedule);
    return () => {
      live = false;
      clearTimeout(timer);
      doc.off('update', schedule);
    };
  }, [doc, language]);
  return held && held.doc === doc && held.language === language ? held.clauses : null;
}

/** A number that changes when the document has changed (at most every THROTTLE_MS): to recompute views of it. */
export function useDocVersion(doc: Y.Doc | null): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!doc) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bump = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setVersion((v) => v + 1);
      }, THROTTLE_MS);
    };
    doc.on('update', bump);
    return () => {
      clearTimeout(timer);
      doc.off('update', bump);
    };
  }, [doc]);
  return version;
}
