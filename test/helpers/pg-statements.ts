/**
 * Records the text of every statement sent through a pg Client prototype's `query` (each is one round
 * trip) until `restore`. The prototype is the caller's (`pg.Client.prototype`), so the caller's pg is
 * the one watched, whichever install it resolves to.
 */
export function recordPgStatements(proto: object): { statements: string[]; restore: () => void } {
  const statements: string[] = [];
  // Kept as it is and called on the client it was called on (pg's many overloads, untyped here).
  const query = Reflect.get(proto, 'query') as (this: unknown, ...a: unknown[]) => unknown;
  Reflect.set(proto, 'query', function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    statements.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
    return query.apply(this, args);
  });
  return { statements, restore: () => void Reflect.set(proto, 'query', query) };
}
