import { describe, expect, it } from 'vitest';
import type { CallPeer, CallState } from '@accord/shared';
import { SpeakingGate, chooseSpeaker, fingerprintOf, isOfferer, planLinks } from './plan';
import { newPeerId } from './session';
import { apartTextFor } from './tiles';

const peer = (peerId: string, separated: CallPeer['separated'] = null, over: Partial<CallPeer> = {}): CallPeer => ({
  peerId,
  userId: `u-${peerId}`,
  displayName: peerId,
  role: 'customer',
  audio: true,
  video: true,
  muted: false,
  separated,
  ...over,
});
const you = { peerId: 'mmmmmmmmmmmmmmmm', audio: true, video: true, muted: false, maySend: true };
const ME = you.peerId;
const state = (peers: CallPeer[], me: CallState['you'] = you) => ({ you: me, peers });

describe('who offers', () => {
  it('the smaller peer id, on both sides of a pair, and never both', () => {
    expect(isOfferer('aaaa', 'bbbb')).toBe(true);
    expect(isOfferer('bbbb', 'aaaa')).toBe(false);
    // Byte order, as the contract says (string compare): upper case sorts before lower case, '-' before digits.
    expect(isOfferer('Zed', 'abc')).toBe(true);
    expect(isOfferer('-x', '0x')).toBe(true);
  });
});

describe('what to do on a new call:state', () => {
  it('opens a connection to each reachable peer it has none to, as offerer when its id is smaller', () => {
    const actions = planLinks(state([peer('aaaaaaaaaaaaaaaa'), peer('zzzzzzzzzzzzzzzz')]), ME, new Set(), 0, 1000);
    expect(actions).toEqual([
      { type: 'open', peerId: 'aaaaaaaaaaaaaaaa', offerer: false },
      { type: 'open', peerId: 'zzzzzzzzzzzzzzzz', offerer: true },
    ]);
  });

  it('keeps a connection to a peer that is away, and does not start one to it', () => {
    expect(planLinks(state([peer('aaaaaaaaaaaaaaaa', 'away')]), ME, new Set(['aaaaaaaaaaaaaaaa']), 0, 1000)).toEqual(
      [],
    );
    expect(planLinks(state([peer('aaaaaaaaaaaaaaaa', 'away')]), ME, new Set(), 0, 1000)).toEqual([]);
  });

  it('closes at once a connection to a peer a private session separates, even within the grace after a reconnection', () => {
    const open = new Set(['aaaaaaaaaaaaaaaa']);
    expect(planLinks(state([peer('aaaaaaaaaaaaaaaa', 'caucus')]), ME, open, 5000, 1000)).toEqual([
      { type: 'close', peerId: 'aaaaaaaaaaaaaaaa' },
    ]);
  });

  it('closes a connection to a peer that left, unless this tab has just reconnected (the roster refills)', () => {
    const open = new Set(['aaaaaaaaaaaaaaaa']);
    expect(planLinks(state([]), ME, open, 0, 1000)).toEqual([{ type: 'close', peerId: 'aaaaaaaaaaaaaaaa' }]);
    expect(planLinks(state([]), ME, open, 5000, 1000)).toEqual([]);
    expect(planLinks(state([]), ME, open, 5000, 5000)).toEqual([{ type: 'close', peerId: 'aaaaaaaaaaaaaaaa' }]);
  });

  it('opens nothing while this tab is not (yet again) in the call, and ignores its own old entry', () => {
    const s = state([peer('aaaaaaaaaaaaaaaa'), peer(ME, 'away')], null);
    expect(planLinks(s, ME, new Set(), 0, 1000)).toEqual([]);
    expect(planLinks(state([peer(ME, 'away')]), ME, new Set(), 0, 1000)).toEqual([]);
  });
});

describe('speaking', () => {
  it('turns on at once on a loud level and off only after a quiet while', () => {
    const g = new SpeakingGate(0.04, 0.015, 700);
    expect(g.update(0.01, 0)).toBe(false);
    expect(g.update(0.2, 250)).toBe(true);
    expect(g.update(0.01, 500)).toBe(true);
    expect(g.update(0.03, 750)).toBe(true); // between the thresholds: still speaking, quiet time reset
    expect(g.update(0.01, 1000)).toBe(true);
    expect(g.update(0.01, 1500)).toBe(true);
    expect(g.update(0.01, 1750)).toBe(false);
  });

  it('shows large whoever speaks, keeps the one large while they speak, then the last one, else the first with a picture', () => {
    const c = (id: string, speaking = false, video = true) => ({ id, speaking, video });
    expect(chooseSpeaker([c('a', false, false), c('b'), c('c')], null)).toBe('b');
    expect(chooseSpeaker([c('a'), c('b', true), c('c')], 'a')).toBe('b');
    expect(chooseSpeaker([c('a'), c('b', true), c('c', true)], 'c')).toBe('c');
    expect(chooseSpeaker([c('a'), c('b'), c('c')], 'c')).toBe('c');
    expect(chooseSpeaker([c('a'), c('b')], 'gone')).toBe('a');
    expect(chooseSpeaker([], 'gone')).toBeNull();
  });
});

describe('a new tab behind the same peer id', () => {
  it('is told by the DTLS fingerprint of its description', () => {
    const sdp = (fp: string) => `v=0\r\na=group:BUNDLE 0 1\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;
    expect(fingerprintOf(sdp('AB:CD'))).toBe('sha-256 AB:CD');
    expect(fingerprintOf(sdp('AB:CD'))).not.toBe(fingerprintOf(sdp('EF:01')));
    expect(fingerprintOf(undefined)).toBeNull();
  });
});

describe('peer ids', () => {
  it('are 22 base64url characters, as the contract accepts, and differ', () => {
    const ids = new Set(Array.from({ length: 50 }, newPeerId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('a tile of someone a private session keeps apart, in the viewer’s words', () => {
  const caucus = { userId: 'u-c', displayName: '王女士' };
  it('tells the party left out that the mediator is with the other party, and an observer with whom', () => {
    const mediator = { role: 'mediator' as const, userId: 'u-m', separated: 'caucus' as const };
    expect(apartTextFor(mediator, 'platform', caucus)).toEqual({ key: 'mediatorInCaucusOther' });
    expect(apartTextFor(mediator, 'observer', caucus)).toEqual({ key: 'mediatorInCaucus', name: '王女士' });
    expect(apartTextFor({ role: 'customer', userId: 'u-c', separated: 'caucus' }, 'platform', caucus)).toEqual({
      key: 'inCaucusWithMediator',
    });
    expect(apartTextFor({ role: 'platform', userId: 'u-p', separated: 'caucus' }, 'mediator', caucus)).toEqual({
      key: 'outsideCaucus',
    });
    expect(apartTextFor({ role: 'platform', userId: 'u-p', separated: null }, 'mediator', caucus)).toBeNull();
  });
});

describe('the place in the call kept for a reload', () => {
  it('is taken back within a while, not after (coming back much later is a new choice)', async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    Object.assign(globalThis, { sessionStorage: storage });
    const { loadCall, saveCall, STORED_FOR_MS } = await import('./session');
    const call = { peerId: newPeerId(), audio: true, video: false, micId: null, cameraId: null };
    saveCall('case-1', call);
    expect(loadCall('case-1')).toEqual(call);
    expect(loadCall('case-2')).toBeNull();
    expect(loadCall('case-1', Date.now() + STORED_FOR_MS + 1)).toBeNull();
    saveCall('case-1', null);
    expect(loadCall('case-1')).toBeNull();
  });
});
