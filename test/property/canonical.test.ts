import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { auditPayload, canonicalJson, chatMessagePayload } from '@accord/shared';
import { propertySettings } from './settings';

/**
 * canonicalJson takes V8's own JSON.stringify for values already in canonical key order; the bytes
 * must be exactly canonicalize's (RFC 8785) for every value, in that order or not, since every audit
 * hash is over them.
 */
describe('canonical JSON is RFC 8785 whichever way it is made', () => {
  const text = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '',
      '"',
      '\\',
      '\u0000\u001f\u007f',
      '\ud800',
      '\udfff\ud800',
      '😀 还款',
      '\u2028\u2029',
      '10',
      '9',
    ),
  );
  const scalar = fc.oneof(
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(text, tie('value'), { maxKeys: 6 }),
  })).value;
  /** The same value with every object's keys inserted in canonical order, as the hot paths build them. */
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
    return out;
  };

  it('for any JSON value, and for it with its keys in canonical order', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
        expect(canonicalJson(sorted(v))).toBe(canonicalize(v));
      }),
      propertySettings({ seed: 20261205, numRuns: 2000 }),
    );
  });

  it('for the audit entry and the chat binding as the server builds them', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 1 }), (name, body, seq) => {
        const m = {
          id: 'm1',
          caseId: 'c1',
          channel: 'joint',
          seq,
          senderId: 'u1',
          senderName: name,
          senderRole: 'customer',
          text: body,
          createdAt: '2026-12-05T00:00:00.000Z',
          cites: [{ id: 'e2' }, { id: 'e1' }],
        };
        const { cites, ...rest } = m;
        expect(chatMessagePayload(m)).toBe(canonicalize({ ...rest, cites: cites.map((c) => c.id) }));
        const entry = {
          caseId: 'c1',
          seq,
          at: '2026-12-05T00:00:00.000Z',
          actorId: name,
          kind: 'chat.message',
          data: { seq, channel: 'joint', contentHash: body, [name]: body },
          prevHash: '0'.repeat(64),
        };
        expect(auditPayload(entry)).toBe(canonicalize(entry));
      }),
      propertySettings({ seed: 20261205, numRuns: 500 }),
    );
  });

  it('keys that look like numbers (enumerated first) and values JSON cannot hold take the full path', () => {
    expect(canonicalJson({ '9': 1, '10': 2, a: 3 })).toBe('{"10":2,"9":1,"a":3}');
    const holey: unknown[] = [1];
    holey[2] = 3;
    expect(canonicalJson({ b: 1, a: holey })).toBe(canonicalize({ b: 1, a: holey }));
    expect(canonicalJson({ a: new Date(0) })).toBe(canonicalize({ a: new Date(0) }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
