import { describe, expect, it } from 'vitest';
import { roomStatus, typingIn, type RoomStatus, type TypingHint } from './RoomClient';

describe('what the room view shows of the connection', () => {
  it('denied wins, then the browser offline flag; a socket that thinks itself offline while the browser is online is reconnecting', () => {
    const all: RoomStatus[] = ['connecting', 'connected', 'waiting', 'reconnecting', 'offline', 'denied'];
    expect(all.map((s) => roomStatus(s, true))).toEqual([
      'connecting',
      'connected',
      'waiting',
      'reconnecting',
      'reconnecting',
      'denied',
    ]);
    expect(all.map((s) => roomStatus(s, false))).toEqual([
      'offline',
      'offline',
      'offline',
      'offline',
      'offline',
      'denied',
    ]);
  });

  it('lists who is typing per channel, by name', () => {
    const typing = new Map<string, TypingHint>([
      ['u1', { channel: 'joint', name: 'Ann', until: 0 }],
      ['u2', { channel: 'caucus:u2', name: 'Bo', until: 0 }],
    ]);
    expect([...typingIn(typing, 'joint')]).toEqual([['u1', 'Ann']]);
    expect([...typingIn(typing, 'caucus:u2')]).toEqual([['u2', 'Bo']]);
    expect(typingIn(typing, 'caucus:u3').size).toBe(0);
  });
});
