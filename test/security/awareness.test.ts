import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_COLOURS } from '@accord/shared';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * Issue 8, item 8: awareness (carets, presence in the editor) claiming another person's identity or
 * colour. The server rewrites every state a connection sends: the authenticated person's id and
 * name, their role's colour. Speaking for another connection's awareness client id is covered in
 * `test/integration/agreement.test.ts` (binds awareness to the authenticated person).
 */
describe('awareness is bound to who is signed in', () => {
  let t: TestServer;
  let c: TestCase;
  const open: DocClient[] = [];
  const client = (token: string) => {
    const d = connectDoc(t.url, c.caseId, token);
    open.push(d);
    return d;
  };
  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
  });
  afterAll(async () => {
    open.forEach((d) => d.destroy());
    await t.close();
  });

  it('a customer claiming the mediator’s id, name and colour is shown as the customer, in the customer’s colour', async () => {
    const members = await t.server.store.listMembers(c.caseId);
    const [customer, mediator] = (['customer', 'mediator'] as const).map((r) => members.find((m) => m.role === r));
    const mallory = client(c.tokens.customer);
    const watcher = client(c.tokens.platform);
    await Promise.all([mallory, watcher].map(waitSynced));
    mallory.provider.awareness.setLocalStateField('user', {
      id: mediator?.userId,
      name: mediator?.displayName,
      color: ROLE_COLOURS.mediator,
      role: 'mediator',
    });
    type Shown = { user?: Record<string, unknown> };
    const seen = () => watcher.provider.awareness.getStates().get(mallory.doc.clientID) as Shown | undefined;
    await waitFor(() => seen()?.user?.id === customer?.userId, 'bound state relayed');
    expect(seen()?.user).toEqual({ id: customer?.userId, name: customer?.displayName, color: ROLE_COLOURS.customer });
    // Other fields of the state (the cursor) pass unchanged; only `user` is the server's.
    mallory.provider.awareness.setLocalStateField('cursor', { anchor: 1, head: 2 });
    await waitFor(() => (seen() as { cursor?: unknown } | undefined)?.cursor !== undefined, 'cursor relayed');
    expect(seen()?.user?.color).toBe(ROLE_COLOURS.customer);
    expect(watcher.closes).toEqual([]);
  });

  it('a colour that is not a colour (CSS injection) is replaced too', async () => {
    const mallory = client(c.tokens.platform);
    const watcher = client(c.tokens.mediator);
    await Promise.all([mallory, watcher].map(waitSynced));
    mallory.provider.awareness.setLocalStateField('user', { name: 'x', color: 'red;background:url(//evil)' });
    await waitFor(
      () =>
        (watcher.provider.awareness.getStates().get(mallory.doc.clientID) as { user?: { color?: string } } | undefined)
          ?.user?.color === ROLE_COLOURS.platform,
      'colour replaced',
    );
  });
});
