import { createAccordServer, createDemoCase, loadConfig } from '@accord/server';
import type { InviteAcceptResult, IntakeResult } from '@accord/shared';
// The test helpers' setup steps, each as the integration tests take it (real HTTP routes and sockets).
import { seedAgreement } from '../../helpers/agreement.js';
import { connectRoom, type RoomClient } from '../../helpers/clients.js';
import { emit } from '../../helpers/emit.js';
import { complaint, form, pdf } from '../../helpers/files.js';
import { agreeToEveryClause } from '../../helpers/negotiation.js';
import { waitFor } from '../../helpers/wait.js';

/** localStorage keys the client reads its sessions from (client/src/app/session.ts, intake/TrackPage.tsx). */
const ROOMS_KEY = 'accord.rooms';
const trackedKey = (trackingId: string) => `accord.track.${trackingId.slice(0, 12)}`;

/** The cases the page benchmark opens, each in the state its page shows. */
export interface PagesData {
  /** The tracking page of a filed complaint, and the sign-in a phone keeps after entering its PIN. */
  track: { path: string; storage: Record<string, string> };
  /** The demo case's customer invite link, and the room it lands in. */
  join: { path: string; room: string };
  /** The record page of a settled (sealed) case, and the customer's session kept from the invite. */
  record: { path: string; storage: Record<string, string> };
}

async function post<T>(url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    ...(body instanceof FormData
      ? { body }
      : body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const accept = (baseUrl: string, inviteUrl: string) =>
  post<InviteAcceptResult>(`${baseUrl}/api/invites/${inviteUrl.split('/join/')[1]}/accept`);

/** The session as the client keeps it after an invite or a tracking sign-in (saveRoomSession). */
const sessionEntry = (s: InviteAcceptResult) =>
  JSON.stringify({
    [s.caseId]: { token: s.token, userId: s.userId, caseId: s.caseId, role: s.role, displayName: s.displayName },
  });

/**
 * Setup, before the measured server starts (as test/bench/lib/accord.ts): opens the data dir with Accord
 * in this process and makes, through the real routes and sockets,
 * - the demo lender and the demo case (`createDemoCase`, as `accord serve` seeds a new installation),
 *   its room opened for drafting with an agreement in it; the customer's invite accepted once, so that
 *   the PIN (shown to the first opener only) is claimed and the link leads straight into the room;
 * - a complaint filed against the demo lender (with a contract PDF) and signed in to from its tracking
 *   link with its PIN;
 * - a case settled and sealed: its agreement agreed clause by clause by both parties, frozen for signing
 *   by the mediator and signed by all three with their PINs.
 * Sessions and tokens stay valid for the measured server: the token secret lives in the data dir.
 */
export async function preparePages(dataDir: string): Promise<PagesData> {
  const config = loadConfig({
    PORT: '0',
    ACCORD_DATA_DIR: dataDir,
    ACCORD_LOG_LEVEL: 'silent',
    ACCORD_SEED: 'false',
    // Setup is not measured; its writes need not wait for the disk.
    ACCORD_SQLITE_SYNC: 'normal',
  });
  const server = createAccordServer(config);
  const { url } = await server.listen();
  const rooms: RoomClient[] = [];
  try {
    const demo = await createDemoCase(server.cases, server.accounts);
    await seedAgreement(server.store, demo.caseId);
    await server.store.updateRoomState(demo.caseId, { lobby: false, phase: 'drafting' });
    await accept(url, demo.invites.customer);
    const invite = demo.invites.customer.split('/join/')[1] ?? '';

    const lender = (await server.accounts.lenders())[0];
    if (!lender) throw new Error('the demo lender is missing');
    const filed = await post<IntakeResult>(
      `${url}/api/intake`,
      form(complaint({ lenderId: lender.id }), [{ name: 'contract.pdf', data: pdf() }]),
    );
    const trackingId = filed.trackingUrl.split('/track/')[1] ?? '';
    const tracked = await post<InviteAcceptResult>(`${url}/api/track/${trackingId}/sign-in`, { pin: filed.pin });

    const sealed = await server.cases.createCaseAsSystem(
      {
        title: '提前还款服务费争议',
        category: 'fees_and_charges',
        amountInDisputeCents: 48_000,
        language: 'zh-CN',
      },
      lender.id,
    );
    const names = { customer: '王女士', platform: '李华', mediator: '张律师' } as const;
    const members = {} as Record<keyof typeof names, InviteAcceptResult>;
    for (const role of ['customer', 'platform', 'mediator'] as const) {
      const inv = await server.cases.createInviteAsSystem(sealed.id, { role, displayName: names[role] });
      members[role] = await accept(url, inv.url);
    }
    await seedAgreement(server.store, sealed.id);
    await server.store.updateRoomState(sealed.id, { lobby: false, phase: 'drafting' });
    const [customer, platform, mediator] = await Promise.all(
      (['customer', 'platform', 'mediator'] as const).map((r) => connectRoom(url, members[r].token, sealed.id)),
    );
    if (!customer || !platform || !mediator) throw new Error('a party did not enter the room');
    rooms.push(customer, platform, mediator);
    await agreeToEveryClause({ customer, platform }, { watchers: [mediator], server });
    const phase = await emit(mediator, 'room:phase', { phase: 'signing' });
    if (!phase.ok) throw new Error(`freezing for signing refused: ${phase.error.message}`);
    const frozen = await waitFor(
      async () => (await emit(customer, 'outcome:status', {})).data?.freeze,
      'frozen for signing',
    );
    for (const [role, client] of [
      ['customer', customer],
      ['platform', platform],
      ['mediator', mediator],
    ] as const) {
      const signed = await emit(client, 'outcome:sign', {
        fingerprint: frozen.fingerprint,
        fullName: names[role],
        secret: members[role].pin ?? '',
      });
      if (!signed.ok) throw new Error(`${role}'s signature refused: ${signed.error.message}`);
    }
    await waitFor(async () => (await server.store.getCase(sealed.id))?.status === 'settled', 'the case settled');

    return {
      track: {
        path: `/track/${trackingId}`,
        storage: { [ROOMS_KEY]: sessionEntry(tracked), [trackedKey(trackingId)]: tracked.caseId },
      },
      join: { path: `/join/${invite}`, room: `/cases/${demo.caseId}` },
      record: { path: `/cases/${sealed.id}/record`, storage: { [ROOMS_KEY]: sessionEntry(members.customer) } },
    };
  } finally {
    for (const r of rooms) r.close();
    await server.close();
  }
}
