import { describe, expect, it } from 'vitest';
import type { ChatStorage } from '../room/chatCache';
import { loadChat, saveChat } from '../room/chatCache';
import { nextQueued } from '../room/roomChat';
import { emptyChat } from '../room/chatState';

const CASE = '33333333-3333-4333-8333-333333333333';
const ME = '11111111-1111-4111-8111-111111111111';
const cite = { id: '0b9f6a52-5c1e-4b8e-9d55-3f1a2b3c4d5e', name: '合同.pdf', type: 'application/pdf' };

function memoryStorage(): ChatStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('citations in the chat outbox and the device cache', () => {
  it('a queued message sends its citations’ ids, one without sends none', () => {
    const state = {
      joint: {
        ...emptyChat,
        outbox: [
          {
            clientId: 'a-000000',
            text: 'see',
            cites: [cite],
            createdAt: '2026-01-01T00:00:00Z',
            status: 'queued' as const,
          },
          { clientId: 'b-000000', text: 'ok', createdAt: '2026-01-01T00:00:01Z', status: 'queued' as const },
        ],
      },
    };
    expect(nextQueued(state, new Set())).toEqual({
      channel: 'joint',
      clientId: 'a-000000',
      text: 'see',
      cites: [cite.id],
    });
    expect(nextQueued(state, new Set(['a-000000']))?.cites).toEqual([]);
  });

  it('keeps an unsent message’s citations across a reload, and reads a cache written before citations existed', () => {
    const storage = memoryStorage();
    const outbox = [
      {
        clientId: 'a-000000',
        text: 'see',
        cites: [cite],
        createdAt: '2026-01-01T00:00:00Z',
        status: 'queued' as const,
      },
    ];
    saveChat(storage, CASE, ME, { joint: { ...emptyChat, outbox } });
    expect(loadChat(storage, CASE, ME).joint?.outbox).toEqual(outbox);

    const old = {
      joint: {
        messages: [
          {
            channel: 'joint',
            seq: 1,
            id: '00000000-0000-4000-8000-000000000001',
            clientId: 'c1xxxxxxx',
            caseId: CASE,
            senderId: ME,
            senderName: 'me',
            senderRole: 'customer',
            text: 'hello',
            createdAt: '2026-01-01T00:00:00.000Z',
          },
        ],
        outbox: [],
        lastReadSeq: 1,
        hasOlder: false,
      },
    };
    storage.data.set(`accord.chat.${CASE}.${ME}`, JSON.stringify(old));
    expect(loadChat(storage, CASE, ME).joint?.messages[0]?.cites).toEqual([]);
  });
});
