import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  canTransition,
  can,
  mayEditAgreement,
  partiesMayPost,
  type ErrorBody,
  type OutcomeStatus,
  type Phase,
} from '@accord/shared';
import { connectRefused, connectRoom, newClientId, type RoomClient } from '../helpers/clients';
import { rawYjs, updateMessage, type RawYjs } from '../helpers/raw-yjs';
import { NAMES, ROLES, startServer, type TestCase, type TestRole, type TestServer } from '../helpers/server';
import { seedAgreement } from '../helpers/agreement';
import { agreeToEveryClause, readClauses } from '../helpers/negotiation';
import { waitFor } from '../helpers/wait';
import { emit, emitUnchecked, type Reply } from '../helpers/emit';
import { propertySettings } from './settings';

/**
 * Random sequences of room commands from random roles against a real node,
 * each answer and the stored state checked against a model built from the
 * shared contract (the phase machine, the permission matrix, the room rules):
 * a refused command is refused with the documented code and changes nothing,
 * the phase moves only along allowed transitions, a removed member can do
 * nothing, a locked or frozen agreement refuses writes (the stored state
 * vector does not move), and there is at most one sealed outcome.
 */
const { seed, numRuns } = propertySettings({ seed: 2026_11_28, numRuns: 40 });

const PARTY_TARGETS = ['customer', 'platform', 'observer'] as const;
type Target = (typeof PARTY_TARGETS)[number];
const SIGNERS: readonly TestRole[] = ['customer', 'platform', 'mediator'];

type Command =
  | { kind: 'phase'; by: TestRole; to: Exclude<Phase, 'caucus'> }
  | { kind: 'caucusOpen'; by: TestRole; with: Target }
  | { kind: 'caucusClose'; by: TestRole }
  | { kind: 'mute'; by: TestRole; target: TestRole; muted: boolean }
  | { kind: 'remove'; by: TestRole; target: TestRole }
  | { kind: 'lock'; by: TestRole; locked: boolean }
  | { kind: 'quiet'; by: TestRole; quiet: boolean }
  | { kind: 'chat'; by: TestRole }
  | { kind: 'edit'; by: TestRole }
  /** `by` agrees to every clause; with `both`, the two parties in turn (as they go through the text together). */
  | { kind: 'consent'; by: TestRole; both: boolean }
  | { kind: 'sign'; by: TestRole }
  | { kind: 'seal'; by: TestRole };

// The mediator issues most commands, or few would get past the permission check.
const role = fc.constantFrom<TestRole>('mediator', 'mediator', 'mediator', 'mediator', 'mediator', ...ROLES);
// Biased to the arrows that lead to sign-off, or runs would seldom get there.
const PHASES = [
  'scheduled',
  'opening',
  'joint',
  'joint',
  'drafting',
  'drafting',
  'signing',
  'signing',
  'signing',
  'concluded',
] as const;
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('phase' as const), by: role, to: fc.constantFrom(...PHASES) }),
    weight: 18,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('caucusOpen' as const),
      by: role,
      with: fc.constantFrom(...PARTY_TARGETS),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('caucusClose' as const), by: role }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('mute' as const),
      by: role,
      target: fc.constantFrom(...ROLES),
      muted: fc.boolean(),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('remove' as const), by: role, target: fc.constantFrom(...ROLES) }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('lock' as const), by: role, locked: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('quiet' as const), by: role, quiet: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('chat' as const), by: role }), weight: 12 },
  { arbitrary: fc.record({ kind: fc.constant('edit' as const), by: fc.constantFrom(...ROLES) }), weight: 15 },
  {
    // A member agrees to every clause as it reads now; mostly the parties, whose consent signing needs.
    arbitrary: fc.record({
      kind: fc.constant('consent' as const),
      by: fc.constantFrom<TestRole>('customer', 'platform', ...ROLES),
      both: fc.boolean(),
    }),
    weight: 12,
  },
  { arbitrary: fc.record({ kind: fc.constant('sign' as const), by: fc.constantFrom(...ROLES) }), weight: 14 },
  // Sealing ends the session; rare, so that runs go on to explore.
  { arbitrary: fc.record({ kind: fc.constant('seal' as const), by: role }), weight: 1 },
);

/** The room as the contract says it must be. */
interface Model {
  phase: Phase;
  quiet: boolean;
  locked: boolean;
  caucus: Target | null;
  /** The phase the open caucus was opened from, which closing it (or removing its party) returns to. */
  caucusFrom: Exclude<Phase, 'caucus'> | null;
  muted: Set<TestRole>;
  removed: Set<TestRole>;
  /** Who must sign the frozen text (fixed at the freeze), and who has. */
  signers: Set<TestRole> | null;
  signed: Set<TestRole>;
  sealed: boolean;
  chats: number;
  /** Whether the agreement has text: the case starts with its amount agreed and no text; any accepted edit writes some. */
  text: boolean;
  /** The parties who agreed to every clause as it reads now (an accepted edit adds a clause nobody agreed to). */
  agreed: Set<TestRole>;
}

type Expected = 'ok' | ErrorBody['code'];

/** Who a consent command has agree: `by`, or with `both` the parties still in the case (`by` first). */
function consenters(m: Model, cmd: { by: TestRole; both: boolean }): TestRole[] {
  if (!cmd.both) return [cmd.by];
  const parties: TestRole[] = cmd.by === 'platform' ? ['platform', 'customer'] : ['customer', 'platform'];
  return parties.filter((r) => !m.removed.has(r));
}

/** What the contract says a command gets, and how it changes the model when it succeeds. */
function expect_(m: Model, cmd: Command): { answer: Expected | Expected[]; apply?: () => void } {
  const mediator = cmd.by === 'mediator';
  const moderate = (then: () => { answer: Expected | Expected[]; apply?: () => void }) =>
    can(cmd.by, 'room.moderate') ? then() : { answer: 'FORBIDDEN' as const };
  switch (cmd.kind) {
    case 'phase':
      // `concluded` is no phase a client can ask for (the payload schema refuses it): only sealing reaches it.
      if (cmd.to === 'concluded') return { answer: 'VALIDATION_FAILED' };
      return moderate(() => {
        if (m.sealed || cmd.to === m.phase || !canTransition(m.phase, cmd.to)) {
          return { answer: 'INVALID_TRANSITION' };
        }
        // Signing needs a signable settlement (shared/signoff-rules): a customer, a platform, text, and
        // both parties' agreement to every clause.
        const consented = m.agreed.has('customer') && m.agreed.has('platform');
        if (cmd.to === 'signing' && (!m.text || m.removed.has('customer') || m.removed.has('platform') || !consented)) {
          return { answer: 'INVALID_TRANSITION' };
        }
        return {
          answer: 'ok',
          apply: () => {
            if (cmd.to === 'signing') {
              m.signers = new Set(SIGNERS.filter((r) => !m.removed.has(r)));
              m.signed = new Set();
            } else if (m.phase === 'signing') {
              m.signers = null;
              m.signed = new Set();
            }
            m.phase = cmd.to;
            m.caucus = null;
            m.caucusFrom = null;
          },
        };
      });
    case 'caucusOpen':
      return moderate(() => {
        if (m.removed.has(cmd.with)) return { answer: 'NOT_FOUND' };
        if (cmd.with === 'observer') return { answer: 'FORBIDDEN' };
        if (m.phase !== 'caucus' && !canTransition(m.phase, 'caucus')) return { answer: 'INVALID_TRANSITION' };
        if (m.phase === 'caucus' && m.caucus === cmd.with) return { answer: 'INVALID_TRANSITION' };
        return {
          answer: 'ok',
          apply: () => {
            if (m.phase !== 'caucus') m.caucusFrom = m.phase;
            m.phase = 'caucus';
            m.caucus = cmd.with;
          },
        };
      });
    case 'caucusClose':
      return moderate(() =>
        m.phase !== 'caucus'
          ? { answer: 'INVALID_TRANSITION' }
          : {
              answer: 'ok',
              apply: () => {
                m.phase = m.caucusFrom ?? 'joint';
                m.caucus = null;
                m.caucusFrom = null;
              },
            },
      );
    case 'mute':
      return moderate(() => {
        if (m.removed.has(cmd.target)) return { answer: 'NOT_FOUND' };
        if (cmd.target === 'mediator') return { answer: 'FORBIDDEN' };
        return { answer: 'ok', apply: () => void (cmd.muted ? m.muted.add(cmd.target) : m.muted.delete(cmd.target)) };
      });
    case 'remove':
      return moderate(() => {
        if (m.removed.has(cmd.target)) return { answer: 'NOT_FOUND' };
        if (cmd.target === 'mediator' || cmd.target === 'admin') return { answer: 'FORBIDDEN' };
        return {
          answer: 'ok',
          apply: () => {
            m.removed.add(cmd.target);
            // Removing one who signs during signing returns to drafting and voids the freeze.
            if (m.phase === 'signing' && SIGNERS.includes(cmd.target)) {
              m.phase = 'drafting';
              m.signers = null;
              m.signed = new Set();
            }
            if (m.caucus === cmd.target) {
              m.phase = m.caucusFrom ?? 'joint';
              m.caucus = null;
              m.caucusFrom = null;
            }
          },
        };
      });
    case 'lock':
      return moderate(() =>
        m.locked === cmd.locked
          ? { answer: 'INVALID_TRANSITION' }
          : { answer: 'ok', apply: () => (m.locked = cmd.locked) },
      );
    case 'quiet':
      return moderate(() => ({ answer: 'ok', apply: () => (m.quiet = cmd.quiet) }));
    case 'chat': {
      if (!can(cmd.by, 'chat.send')) return { answer: 'FORBIDDEN' };
      if (m.muted.has(cmd.by)) return { answer: 'MUTED' };
      if (m.phase === 'concluded') return { answer: 'PHASE_RULES' };
      if (!mediator && !partiesMayPost(m.phase, m.quiet)) return { answer: 'PHASE_RULES' };
      return { answer: 'ok', apply: () => m.chats++ };
    }
    case 'edit': {
      const may = can(cmd.by, 'doc.write') && !(m.locked && !mediator) && mayEditAgreement(m.phase, mediator);
      return {
        answer: may ? 'ok' : 'FORBIDDEN',
        apply: () => {
          m.text = true;
          m.agreed.clear();
        },
      };
    }
    case 'consent': {
      const who = consenters(m, cmd);
      if (!who.every((r) => can(r, 'negotiation.consent'))) return { answer: 'FORBIDDEN' };
      if (!['opening', 'joint', 'caucus', 'drafting'].includes(m.phase)) return { answer: 'PHASE_RULES' };
      return { answer: 'ok', apply: () => who.forEach((r) => m.agreed.add(r)) };
    }
    case 'sign': {
      if (m.sealed) return { answer: 'CONFLICT' };
      if (m.signers === null || m.phase !== 'signing') return { answer: 'PHASE_RULES' };
      if (!m.signers.has(cmd.by)) return { answer: 'FORBIDDEN' };
      // Signing twice is not a new signature, whichever way the store says so.
      if (m.signed.has(cmd.by)) return { answer: ['ok', 'CONFLICT'] };
      return {
        answer: 'ok',
        apply: () => {
          m.signed.add(cmd.by);
          if ([...(m.signers ?? [])].every((r) => m.signed.has(r))) {
            m.sealed = true;
            m.phase = 'concluded';
            m.caucus = null;
            m.caucusFrom = null;
          }
        },
      };
    }
    case 'seal':
      if (!mediator) return { answer: 'FORBIDDEN' };
      if (m.sealed) return { answer: 'CONFLICT' };
      return {
        answer: 'ok',
        apply: () => {
          m.sealed = true;
          m.phase = 'concluded';
          m.caucus = null;
          m.caucusFrom = null;
        },
      };
  }
}

/** A raw Yjs connection that reports, for each update it sends, whether the server refused it. */
class Writer {
  private denials = 0;
  private answers = 0;
  constructor(readonly raw: RawYjs) {
    raw.ws.on('message', (d: Buffer) => {
      if (d[0] === 2) this.denials++;
      if (d[0] === 0 && d[1] === 1) this.answers++;
      raw.received.length = 0;
    });
  }
  /** Sends a real change, then a sync step 1 whose answer means the change was handled. */
  async attempt(by: string): Promise<'ok' | 'FORBIDDEN'> {
    const doc = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(`${by} ${newClientId()}`)]);
    doc.getXmlFragment('body').insert(0, [p]);
    const denials = this.denials;
    const answers = this.answers;
    this.raw.ws.send(updateMessage(Y.encodeStateAsUpdate(doc)));
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint8Array(e, new Uint8Array([0]));
    this.raw.ws.send(encoding.toUint8Array(e));
    await waitFor(() => this.answers > answers, `the answer to ${by}'s edit`);
    return this.denials > denials ? 'FORBIDDEN' : 'ok';
  }
}

describe(`room commands keep the phase and permission invariants (seed ${seed}, ${numRuns} runs)`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('every command is answered as the contract says, and the stored room follows the model', async () => {
    const tried = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Phase>('scheduled', 'joint', 'drafting', 'drafting', 'drafting'),
        fc.boolean(),
        fc.boolean(),
        fc.array(command, { minLength: 1, maxLength: 50, size: 'max' }),
        async (start, startLocked, startWritten, commands) => {
          const c: TestCase = await t.createCase('Invariants', { lobby: false, phase: start });
          // Half the runs start from a written agreement both parties agree to (where they may consent),
          // or runs would seldom reach signing: an edit, both parties' consent and the phase, in order.
          await seedAgreement(t.server.store, c.caseId, startWritten ? {} : { text: '' });
          if (startLocked) await t.server.store.updateRoomState(c.caseId, { agreementLocked: true });
          const clients = {} as Record<TestRole, RoomClient>;
          const writers = {} as Record<TestRole, Writer>;
          for (const r of ROLES) {
            clients[r] = await connectRoom(t.url, c.tokens[r], c.caseId);
            const raw = rawYjs(t.url, c.caseId, c.tokens[r]);
            await raw.opened;
            writers[r] = new Writer(raw);
          }
          const m: Model = {
            phase: start,
            quiet: false,
            locked: startLocked,
            caucus: null,
            caucusFrom: null,
            muted: new Set(),
            removed: new Set(),
            signers: null,
            signed: new Set(),
            sealed: false,
            chats: 0,
            text: startWritten,
            agreed: new Set(),
          };
          if (startWritten && (start === 'joint' || start === 'drafting')) {
            await agreeToEveryClause(clients, { server: t.server });
            m.agreed = new Set(['customer', 'platform']);
          }
          const storedVector = async () => {
            const stored = await t.server.store.loadDoc(c.caseId);
            const doc = new Y.Doc();
            if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
            stored.updates.forEach((u) => Y.applyUpdate(doc, u.data));
            return Buffer.from(Y.encodeStateVector(doc)).toString('hex');
          };
          try {
            for (const cmd of commands) {
              const label = `${cmd.kind} by ${cmd.by}`;
              if (m.removed.has(cmd.by)) {
                // A removed member can do nothing: disconnected, refused on both endpoints.
                await waitFor(() => !clients[cmd.by].socket.connected, `${cmd.by} disconnected`);
                const refused = await connectRefused(t.url, { token: c.tokens[cmd.by], caseId: c.caseId });
                expect(['NOT_A_MEMBER', 'TOKEN_REVOKED']).toContain(refused.code);
                const closed = await rawYjs(t.url, c.caseId, c.tokens[cmd.by]).closed;
                expect([CloseCode.UNAUTHENTICATED, CloseCode.FORBIDDEN]).toContain(closed.code);
                tried.set('removed member refused', (tried.get('removed member refused') ?? 0) + 1);
                continue;
              }
              const want = expect_(m, cmd);
              const phaseBefore = (await t.server.store.getRoomState(c.caseId)).phase;
              const vectorBefore = await storedVector();
              const client = clients[cmd.by];
              let got: string;
              switch (cmd.kind) {
                case 'phase':
                  got = code(await emitUnchecked(client, 'room:phase', { phase: cmd.to }));
                  break;
                case 'caucusOpen':
                  got = code(await emit(client, 'caucus:open', { userId: c.userIds[cmd.with] }));
                  break;
                case 'caucusClose':
                  got = code(await emit(client, 'caucus:close', {}));
                  break;
                case 'mute':
                  got = code(
                    await emit(client, 'moderation:mute', { userId: c.userIds[cmd.target], muted: cmd.muted }),
                  );
                  break;
                case 'remove':
                  got = code(await emit(client, 'moderation:remove', { userId: c.userIds[cmd.target] }));
                  break;
                case 'lock':
                  got = code(await emit(client, 'agreement:lock', { locked: cmd.locked }));
                  break;
                case 'quiet':
                  got = code(await emit(client, 'room:settings', { quietOpening: cmd.quiet }));
                  break;
                case 'chat':
                  got = code(await emit(client, 'chat:send', { clientId: newClientId(), text: label }));
                  break;
                case 'edit':
                  got = await writers[cmd.by].attempt(cmd.by);
                  break;
                case 'consent': {
                  // Every clause as stored; each consent gets the same answer (the first refusal is the answer).
                  got = 'ok';
                  const clauses = await readClauses(client, t.server);
                  for (const [who, clause] of consenters(m, cmd).flatMap((r) => clauses.map((x) => [r, x] as const))) {
                    const reply = code(
                      await emit(clients[who], 'consent:set', {
                        clauseId: clause.id,
                        hash: clause.hash,
                        state: 'agreed',
                        reason: '',
                      }),
                    );
                    if (reply !== 'ok') {
                      got = reply;
                      break;
                    }
                  }
                  break;
                }
                case 'sign': {
                  const status = (await emit(clients.mediator, 'outcome:status', {})).data as OutcomeStatus;
                  const fingerprint = status.freeze?.fingerprint ?? 'f'.repeat(64);
                  got = code(
                    await emit(client, 'outcome:sign', {
                      fingerprint,
                      fullName: NAMES[cmd.by],
                      secret: c.pins[cmd.by],
                    }),
                  );
                  break;
                }
                case 'seal':
                  got = code(await emit(client, 'outcome:seal', { outcome: 'not_settled', reason: 'no agreement' }));
                  break;
              }
              tried.set(`${cmd.kind} → ${got}`, (tried.get(`${cmd.kind} → ${got}`) ?? 0) + 1);
              if (cmd.kind === 'edit' && (m.phase === 'signing' || (m.locked && m.phase === 'drafting'))) {
                const why = m.phase === 'signing' ? 'frozen' : 'locked';
                tried.set(`${why} edit by ${cmd.by}`, (tried.get(`${why} edit by ${cmd.by}`) ?? 0) + 1);
              }
              const answers = Array.isArray(want.answer) ? want.answer : [want.answer];
              expect(answers, `${label} in ${m.phase}`).toContain(got);
              if (got === 'ok') want.apply?.();

              // The stored room is the model's room.
              const state = await t.server.store.getRoomState(c.caseId);
              expect(
                {
                  phase: state.phase,
                  locked: state.agreementLocked,
                  quiet: state.quietOpening,
                  caucus: state.caucusUserId,
                },
                `after ${label}`,
              ).toEqual({ phase: m.phase, locked: m.locked, quiet: m.quiet, caucus: m.caucus && c.userIds[m.caucus] });
              // The phase moved along an allowed arrow, or to concluded by sealing, or back to joint when
              // the caucus party left.
              if (state.phase !== phaseBefore) {
                const allowed =
                  canTransition(phaseBefore, state.phase) ||
                  (state.phase === 'concluded' && m.sealed) ||
                  (cmd.kind === 'remove' && phaseBefore === 'caucus' && state.phase === 'joint');
                expect(allowed, `${phaseBefore} → ${state.phase} by ${label}`).toBe(true);
              }
              // A refused edit leaves the stored document as it was; an accepted one moves it.
              if (cmd.kind === 'edit') expect((await storedVector()) !== vectorBefore, label).toBe(got === 'ok');
              else expect(await storedVector(), label).toBe(vectorBefore);
              expect(await t.server.store.headSeq(c.caseId, 'joint')).toBe(m.chats);
              expect(!!(await t.server.store.getOutcome(c.caseId))).toBe(m.sealed);
              const members = (await t.server.store.listMembers(c.caseId)).map((x) => x.role).sort();
              expect(members).toEqual(ROLES.filter((r) => !m.removed.has(r)).sort());
            }
          } finally {
            for (const r of ROLES) {
              clients[r].close();
              writers[r].raw.ws.close();
            }
          }
        },
      ),
      { seed, numRuns },
    );
    console.log(`room invariants: ${numRuns} runs; ${JSON.stringify(Object.fromEntries([...tried].sort()))}`);
    // The runs must reach the interesting states, or they prove little.
    const reached = (re: RegExp) => [...tried.keys()].some((k) => re.test(k));
    for (const re of [
      /^edit → ok/,
      /^phase → ok/,
      /^chat → ok/,
      /^sign → ok/,
      /^consent → ok/,
      /^consent → (FORBIDDEN|PHASE_RULES)/,
      /^remove → ok/,
      /^seal → ok/,
      /^removed member refused/,
      /^frozen edit by/,
      /^locked edit by (customer|platform)/,
    ]) {
      expect(reached(re), String(re)).toBe(true);
    }
  }, 300_000);
});

function code(ack: Reply<unknown>): string {
  return ack.ok ? 'ok' : (ack.error?.code ?? 'no code');
}
