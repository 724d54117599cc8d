/**
 * Opens an evidence item in the room's evidence panel, by id, from anywhere in the room (a citation in
 * the chat or the agreement): the panel listens and opens its viewer. A window event rather than an
 * import of the panel, so a caller does not pull the panel's chunk. An id the person may not see is
 * not in their list: nothing opens.
 */
const EVENT = 'accord:open-evidence';

/**
 * Who reads the case's evidence in the room: the parties and the mediator (the server's rule; an
 * observer does not, and the centre's staff read it on the staff case page).
 */
export function seesEvidence(role: string | null): boolean {
  return role === 'customer' || role === 'platform' || role === 'mediator';
}

export function openEvidence(evidenceId: string): void {
  window.dispatchEvent(new CustomEvent<string>(EVENT, { detail: evidenceId }));
}

/** Calls `open` with each id asked for; returns the unsubscribe. */
export function onOpenEvidence(open: (evidenceId: string) => void): () => void {
  const listener = (e: Event) => {
    if (e instanceof CustomEvent && typeof e.detail === 'string') open(e.detail);
  };
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
