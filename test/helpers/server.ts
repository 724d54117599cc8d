import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAccordServer,
  loadConfig,
  type AccordConfig,
  type AccordServer,
  type Logger,
  type Store,
} from '@accord/server';
import type { CaseLanguage, CaseRole, InviteAcceptResult, Phase } from '@accord/shared';
import { onCleanup } from './cleanup';
import { UNTHROTTLED } from './process';

export const ROLES = ['customer', 'platform', 'mediator', 'observer', 'admin'] as const satisfies readonly CaseRole[];
export type TestRole = (typeof ROLES)[number];

/** A case and, for each role asked for, a member who joined through the real invite-accept route. */
export interface TestCaseOf<R extends TestRole> {
  caseId: string;
  /** A session token per role, obtained through the real invite-accept route. */
  tokens: Record<R, string>;
  inviteIds: Record<R, string>;
  inviteUrls: Record<R, string>;
  /** The PIN that came with each invite (a guest confirms their signature with it). */
  pins: Record<R, string>;
  /** User id of each member. */
  userIds: Record<R, string>;
}
export type TestCase = TestCaseOf<TestRole>;

/** The name each role's member has (its identity: a signature is named with it). */
export const NAMES: Record<TestRole, string> = {
  customer: '王女士',
  platform: '李华',
  mediator: '张律师',
  observer: '观察员',
  admin: 'Admin',
};

export interface CaseOptions<R extends TestRole> {
  title?: string;
  roles?: readonly R[];
  /** The room's settings, drafting with no waiting room unless told otherwise. */
  room?: { lobby?: boolean; phase?: Phase };
  category?: Parameters<AccordServer['cases']['createCaseAsSystem']>[0]['category'];
  amountInDisputeCents?: number;
  /** The case's language (zh-CN unless told). */
  language?: CaseLanguage;
  /**
   * Whether the parties (customer, platform) acknowledge the rights and duties through the API, as each
   * does before first entering a room (so a browser opening their invite goes straight in). Yes unless told.
   */
  acknowledgeRights?: boolean;
}

/**
 * Creates a case on `server` (reached at `url`) with one member per role (all five by default). Unless
 * told otherwise the room is open for drafting with no waiting room, so tests of chat and editing start
 * where a session would be mid-way; tests of the lobby and phases pass `room`.
 */
export async function createTestCase<R extends TestRole = TestRole>(
  server: AccordServer,
  url: string,
  options: CaseOptions<R> = {},
): Promise<TestCaseOf<R>> {
  const c = await server.cases.createCaseAsSystem({
    title: options.title ?? 'Disputed service fee',
    category: options.category ?? 'fees_and_charges',
    amountInDisputeCents: options.amountInDisputeCents ?? 48_000,
    ...(options.language ? { language: options.language } : {}),
  });
  const made = { caseId: c.id, tokens: {}, inviteIds: {}, inviteUrls: {}, pins: {}, userIds: {} } as TestCaseOf<R>;
  for (const role of options.roles ?? (ROLES as readonly TestRole[] as readonly R[])) {
    const invite = await server.cases.createInviteAsSystem(c.id, { role, displayName: NAMES[role] });
    made.inviteIds[role] = invite.id;
    made.inviteUrls[role] = invite.url;
    const accepted = await acceptInvite(url, invite.url);
    made.pins[role] = accepted.pin ?? '';
    made.tokens[role] = accepted.token;
    made.userIds[role] = accepted.userId;
    if ((role === 'customer' || role === 'platform') && options.acknowledgeRights !== false) {
      await acknowledgeRights(url, c.id, accepted.token);
    }
  }
  await server.store.updateRoomState(c.id, { lobby: false, phase: 'drafting', ...options.room });
  return made;
}

export interface TestServer {
  server: AccordServer;
  url: string;
  dataDir: string;
  /** Creates a case on this server with one member per role (see createTestCase). */
  createCase(title?: string, room?: { lobby?: boolean; phase?: Phase }): Promise<TestCase>;
  close(): Promise<void>;
}

/** A fresh temporary directory, removed when the test file ends. */
export function makeTempDir(prefix = 'accord-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(`temporary directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a real Accord node on a random port with a fresh SQLite file; closed when the test file ends. */
export async function startServer(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    store?: (dataDir: string) => Store;
    log?: Logger;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? makeTempDir();
  const config: AccordConfig = loadConfig({
    PORT: '0',
    ACCORD_DATA_DIR: dataDir,
    ACCORD_LOG_LEVEL: 'silent',
    ACCORD_SQLITE_SYNC: 'normal',
    ACCORD_SEED: 'false',
    ACCORD_DOC_UNLOAD_MS: '50',
    ...UNTHROTTLED,
    ...options.env,
  });
  const server = createAccordServer(config, {
    ...(options.store ? { store: options.store(dataDir) } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const ownsDir = options.dataDir === undefined;
  const shutDown = async () => {
    await server.close();
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const forget = onCleanup('an in-process Accord server', shutDown);
  const { url } = await server.listen();

  return {
    server,
    url,
    dataDir,
    createCase: (title, room) =>
      createTestCase(server, url, { ...(title !== undefined ? { title } : {}), ...(room ? { room } : {}) }),
    async close() {
      forget();
      await shutDown();
    },
  };
}

/** Reads the rights and duties in the case's language and acknowledges them, as a party does in the room's gate. */
export async function acknowledgeRights(baseUrl: string, caseId: string, token: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const read = await fetch(`${baseUrl}/api/cases/${caseId}/rights`, { headers });
  if (!read.ok) throw new Error(`rights read failed: ${read.status} ${await read.text()}`);
  const text = (await read.json()) as { language: string; version: string; sha256: string };
  const ack = await fetch(`${baseUrl}/api/cases/${caseId}/rights/acknowledgement`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ language: text.language, version: text.version, sha256: text.sha256 }),
  });
  if (!ack.ok) throw new Error(`rights acknowledgement failed: ${ack.status} ${await ack.text()}`);
}

export async function acceptInvite(baseUrl: string, inviteUrl: string): Promise<InviteAcceptResult> {
  const invite = inviteUrl.split('/join/')[1];
  const res = await fetch(`${baseUrl}/api/invites/${invite}/accept`, { method: 'POST' });
  if (!res.ok) throw new Error(`invite accept failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as InviteAcceptResult;
}
