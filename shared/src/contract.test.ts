import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ChatSendPayload,
  HandshakeAuth,
  ackSchemas,
  can,
  canGrant,
  clientEvents,
  mediatorNotesName,
  parseDocumentName,
  parseOrThrow,
  permissions,
  serverEvents,
  type Ack,
  type ChatMessage,
  type ChatSendResult,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from './index';

describe('event contract types', () => {
  it('derives Socket.IO event maps from the schemas', () => {
    type Send = ClientToServerEvents['chat:send'];
    expectTypeOf<Parameters<Send>[0]>().toEqualTypeOf<{
      clientId: string;
      text: string;
      channel?: 'joint' | `caucus:${string}` | undefined;
      cites?: string[] | undefined;
    }>();
    expectTypeOf<Parameters<Parameters<Send>[1]>[0]>().toEqualTypeOf<Ack<ChatSendResult>>();
    expectTypeOf<Parameters<ServerToClientEvents['chat:message']>[0]>().toEqualTypeOf<ChatMessage>();
    // @ts-expect-error an event that does not exist has no signature
    type _Missing = ClientToServerEvents['case:delete'];
    const bad: Parameters<Send>[0] = {
      clientId: 'abcdefgh',
      // @ts-expect-error text must be a string
      text: 1,
    };
    expect(bad).toBeDefined();
  });

  it('has an ack schema for every client event and a schema for every server event', () => {
    expect(Object.keys(ackSchemas).sort()).toEqual(Object.keys(clientEvents).sort());
    expect(Object.keys(serverEvents)).toContain('accord:error');
  });
});

describe('validation', () => {
  it('names the field and keeps every issue', () => {
    expect(() => parseOrThrow(ChatSendPayload, { clientId: 'x', text: 5 }, 'chat:send payload')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^invalid chat:send payload: clientId: /),
        issues: [expect.objectContaining({ path: 'clientId' }), expect.objectContaining({ path: 'text' })],
      }),
    );
  });

  it('refuses a signature name with a bidi override or a zero-width character, and takes a Chinese one', () => {
    const sign = (fullName: string) =>
      clientEvents['outcome:sign'].payload.safeParse({ fingerprint: 'a'.repeat(64), fullName, secret: 'pin' });
    expect(sign('\u202E王小红').success).toBe(false);
    expect(sign('\u200B王小红').success).toBe(false);
    expect(sign('阿依古丽·买买提')).toMatchObject({ success: true, data: { fullName: '阿依古丽·买买提' } });
  });

  it('accepts a well-formed handshake and refuses a negative lastSeq', () => {
    const ok = HandshakeAuth.safeParse({ token: 't', caseId: '6f1c2b8e-4a8b-4c1e-9d2a-3b5e7f9a1c2d', lastSeq: 3 });
    expect(ok.success).toBe(true);
    expect(
      HandshakeAuth.safeParse({ token: 't', caseId: '6f1c2b8e-4a8b-4c1e-9d2a-3b5e7f9a1c2d', lastSeq: -1 }).success,
    ).toBe(false);
  });
});

describe('roles and permissions', () => {
  it('observers and admins never write', () => {
    for (const action of ['chat.send', 'chat.typing', 'doc.write'] as const) {
      expect(can('observer', action)).toBe(false);
      expect(can('admin', action)).toBe(false);
    }
    expect(permissions['chat.read']).toHaveLength(5);
  });

  it('only admins grant the mediator and admin roles', () => {
    expect(canGrant('mediator', 'customer')).toBe(true);
    expect(canGrant('mediator', 'mediator')).toBe(false);
    expect(canGrant('mediator', 'admin')).toBe(false);
    expect(canGrant('admin', 'mediator')).toBe(true);
    expect(canGrant('customer', 'observer')).toBe(false);
  });
});

describe('document names', () => {
  const id = '6f1c2b8e-4a8b-4c1e-9d2a-3b5e7f9a1c2d';
  it('parses the agreement and known sub-documents, and nothing else', () => {
    expect(parseDocumentName(id)).toEqual({ kind: 'agreement', caseId: id, name: id });
    expect(parseDocumentName(`${id}/caucus-${id}`)).toMatchObject({
      kind: 'caucus-notes',
      caseId: id,
      partyUserId: id,
    });
    expect(parseDocumentName(mediatorNotesName(id))).toEqual({
      kind: 'mediator-notes',
      caseId: id,
      name: `${id}/mediator-notes`,
    });
    for (const bad of [
      '',
      'abc',
      `${id}/`,
      `${id}/notes`,
      `${id}/caucus-x`,
      `${id}/caucus-${id}/x`,
      `../${id}`,
      `${id}/mediator-notes/x`,
      `${id}/mediator-notes-${id}`,
    ]) {
      expect(parseDocumentName(bad)).toBeNull();
    }
  });
});
