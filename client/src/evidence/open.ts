/**
 * Opens an evidence item in the room's evidence panel, by id, from anywhere in the room (a citation in
 * the chat or the agreement): the panel listens and opens its viewer. A window event rather than an
 * import of the panel, so a caller does not pull the panel's chunk. An id the person may not see is
 * not in their list: nothing opens.
 */
const EVENT = 'accord:open-evidence';

/**
 * An id asked for before the panel listens (its chunk still loading, or a phone's evidence tab not yet
 * drawn when a citation is tapped): the panel takes it when it starts listening.
 */
let pending: string | null = null;

/**
 * Who reads the case's evidence in the room: the parties and the mediator (the server's rule; an
 * observer does not, and the centre's staff read it on the staff case page).
 */
export function seesEvidence(role: string | null): boolean {
  return role === 'customer' || role === 'platform' || role === 'mediator';
}

export function openEvidence(evidenceId: string): void {
  pending = evidenceId;
  window.dispatchEvent(new CustomEvent<string>(EVENT, { detail: evidenceId }));
}

/** Calls `open` with each id asked for; returns the unsubscribe. */
export function onOpenEvidence(open: (evidenceId: string) => void): () => void {
  const listener = (e: Event) => {
    if (e instanceof CustomEvent && typeof e.detail === 'string') {
      pending = null;
      open(e.detail);
    }
  };
  window.addEventListener(EVENT, listener);
  if (pending !== null) {
    const id = pending;
    pending = null;
    open(id);
  }
  return () => window.removeEventListener(EVENT, listener);
}
