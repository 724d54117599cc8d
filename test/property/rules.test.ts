import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CaseAction,
  CaseRole,
  PHASE_TRANSITIONS,
  Phase,
  can,
  canGrant,
  canTransition,
  inputProblem,
  mayEditAgreement,
  partiesMayPost,
  type Phase as PhaseT,
} from '@accord/shared';
import { propertySettings } from './settings';

/**
 * The rules in shared/ on their own, without a server: the phase machine, the
 * permission matrix and the input check. (They live here rather than beside
 * their code because fast-check is a dependency of the test package only.)
 */
const { seed, numRuns } = propertySettings({ seed: 28_11, numRuns: 500 });
const opts = { seed, numRuns };
const phase = fc.constantFrom(...Phase.options);
const role = fc.constantFrom(...CaseRole.options);
const WRITES = ['chat.send', 'chat.typing', 'doc.write', 'room.moderate', 'hand.raise', 'member.add'] as const;

describe('the phase machine', () => {
  it('a walk along allowed transitions never repeats a phase in place, and concluded ends it', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 50 }), (choices) => {
        let at: PhaseT = 'scheduled';
        for (const n of choices) {
          const next = PHASE_TRANSITIONS[at];
          if (next.length === 0) {
            expect(at).toBe('concluded');
            return;
          }
          const to = next[n % next.length] as PhaseT;
          expect(to).not.toBe(at);
          expect(canTransition(at, to)).toBe(true);
          at = to;
        }
      }),
      opts,
    );
  });

  it('concluded is reachable from every phase, and nothing leaves it or returns to scheduled', () => {
    fc.assert(
      fc.property(phase, phase, (from, to) => {
        expect(canTransition('concluded', to)).toBe(false);
        if (to === 'scheduled') expect(canTransition(from, to)).toBe(false);
        if (from !== 'concluded') expect(canTransition(from, 'concluded')).toBe(true);
        expect(canTransition(from, to)).toBe(PHASE_TRANSITIONS[from].includes(to));
      }),
      opts,
    );
  });

  it('signing is entered only from drafting; the text is frozen there and after the session', () => {
    fc.assert(
      fc.property(phase, fc.boolean(), (from, isMediator) => {
        if (canTransition(from, 'signing')) expect(from).toBe('drafting');
        for (const frozen of ['signing', 'concluded', 'scheduled', 'opening'] as const) {
          expect(mayEditAgreement(frozen, isMediator)).toBe(false);
        }
        // Only the mediator edits outside drafting.
        if (from !== 'drafting') expect(mayEditAgreement(from, false)).toBe(false);
      }),
      opts,
    );
  });

  it('nobody posts after the session; parties post in every other phase unless the opening is quiet', () => {
    fc.assert(
      fc.property(phase, fc.boolean(), (p, quiet) => {
        if (p === 'concluded') expect(partiesMayPost(p, quiet)).toBe(false);
        else expect(partiesMayPost(p, quiet)).toBe(!(p === 'opening' && quiet));
      }),
      opts,
    );
  });
});

describe('the permission matrix', () => {
  it('observers and admins read but never write into the room; only the mediator moderates', () => {
    fc.assert(
      fc.property(role, fc.constantFrom(...CaseAction.options), (r, action) => {
        if (action === 'room.moderate') expect(can(r, action)).toBe(r === 'mediator');
        if (r === 'observer') expect(WRITES.some((w) => can(r, w))).toBe(false);
        if (r === 'admin')
          expect((['chat.send', 'doc.write', 'room.moderate'] as const).some((w) => can(r, w))).toBe(false);
        if (action === 'room.join' || action === 'chat.read' || action === 'doc.read')
          expect(can(r, action)).toBe(true);
      }),
      opts,
    );
  });

  it('a role grants only what it may add, and a mediator never makes another mediator or an admin', () => {
    fc.assert(
      fc.property(role, role, (granter, granted) => {
        if (canGrant(granter, granted)) expect(can(granter, 'member.add')).toBe(true);
        if (granter === 'mediator') expect(canGrant(granter, granted)).toBe(!['mediator', 'admin'].includes(granted));
      }),
      opts,
    );
  });
});

describe('the input check before every schema (lone surrogates)', () => {
  const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');

  it('well-formed JSON passes, whatever its text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: 'small' }), (v) => {
        expect(inputProblem(v)).toBeNull();
      }),
      opts,
    );
  });

  it('one lone surrogate anywhere, in a key or a value, is found with its path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), lone, fc.nat(), fc.boolean(), (s, bad, at, inKey) => {
        const i = at % (s.length + 1);
        const text = s.slice(0, i) + bad + s.slice(i);
        // Placed after a pair would glue it into one, so place it where it stays alone.
        if (!/\p{Cs}/u.test(text)) return;
        const value = inKey ? { outer: { [text]: 1 } } : { outer: [{ text }] };
        const problem = inputProblem(value);
        expect(problem?.path).toBe(inKey ? `outer.${text}` : 'outer.0.text');
      }),
      opts,
    );
  });
});
