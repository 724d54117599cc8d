import * as Y from 'yjs';

/**
 * The largest clock an update may name. A clock counts one client's insertions, so no honest
 * client gets anywhere near it; it leaves room below 2^53, where numbers stop being exact.
 */
export const MAX_CLOCK = 2 ** 40;

type Decoded = ReturnType<typeof Y.decodeUpdate>;

/**
 * Why a decoded update names an impossible position (a clock past MAX_CLOCK, a client id that is
 * not a safe integer), or null. Yjs reads such a number from an update, but content waiting for a
 * missing dependency is kept re-encoded, and once two such waiting updates are merged the document
 * can no longer be encoded at all: every sync step 2 and every compaction throws, so no client can
 * load the document again, from memory or from the stored log (found by fuzzing, seed 777).
 */
export function clockProblem({ structs, ds }: Decoded): string | null {
  const bad = (client: number, clock: number) => !Number.isSafeInteger(client) || !(clock <= MAX_CLOCK);
  for (const s of structs) {
    if (bad(s.id.client, s.id.clock + s.length)) return `struct ${s.id.client}:${s.id.clock} is out of range`;
    if (!(s instanceof Y.Item)) continue;
    for (const id of [s.origin, s.rightOrigin, s.parent instanceof Y.ID ? s.parent : null]) {
      if (id && bad(id.client, id.clock)) return `a reference to ${id.client}:${id.clock} is out of range`;
    }
  }
  for (const [client, ranges] of ds.clients) {
    for (const r of ranges)
      if (bad(client, r.clock + r.len)) return `a deletion at ${client}:${r.clock} is out of range`;
  }
  return null;
}
