import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewMessage, Store } from '@accord/server';
import { GENESIS_HASH } from '@accord/shared';
import { contractAccess } from './contract-access';
import { contractAccounts } from './contract-accounts';
import { contractCases } from './contract-cases';
import { contractChat } from './contract-chat';
import { contractDocs } from './contract-docs';
import { contractOffers } from './contract-offers';
import { contractNegotiation } from './contract-negotiation';
import { contractHardship } from './contract-hardship';
import { contractAssistant } from './contract-assistant';
import { contractQuestions } from './contract-questions';
import { contractEvidence } from './contract-evidence';
import { contractDocRequests } from './contract-doc-requests';
import { contractRights } from './contract-rights';
import { contractOutbox } from './contract-outbox';
import { contractRoom } from './contract-room';
import { contractContext, createGuest } from './context';

export { createGuest } from './context';

/**
 * The rules every Store implementation must keep, numbered so that a failure
 * names the rule. Run against each backend with its own factory; one file per aggregate.
 */
export function registerStoreContract(name: string, factory: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const t = contractContext(factory);
    contractCases(t);
    contractAccounts(t);
    contractChat(t);
    contractDocs(t);
    contractAccess(t);
    contractRoom(t);
    contractOutbox(t);
    contractOffers(t);
    contractNegotiation(t);
    contractHardship(t);
    contractAssistant(t);
    contractQuestions(t);
    contractEvidence(t);
    contractDocRequests(t);
    contractRights(t);
  });
}

/**
 * The SQL stores store chat messages in batches (group commit): a message whose write fails for any
 * reason (here its audit entry cannot be built) is refused alone; the others of its batch are stored,
 * numbered without a gap, each with its audit entry. (The memory store, for unit tests, does not
 * promise this.)
 */
export function registerBatchAtomicity(name: string, factory: () => Promise<Store>): void {
  describe(`Chat batches: ${name}`, () => {
    it('a message that fails in a batch is refused alone; the others are stored without a gap', async () => {
      const store = await factory();
      try {
        const userId = await createGuest(store);
        const { id: caseId } = await store.createCase({
          id: randomUUID(),
          title: 'Batch',
          summary: '',
          category: 'other',
          amountInDisputeCents: 0,
        });
        const msg = (clientId: string): NewMessage => ({
          id: randomUUID(),
          caseId,
          channel: 'joint',
          clientId,
          senderId: userId,
          senderName: 'x',
          senderRole: 'customer',
          text: `text of ${clientId}`,
          createdAt: new Date().toISOString(),
        });
        const entry = (seq: number, prev: { seq: number; hash: string } | null) => ({
          caseId,
          seq: (prev?.seq ?? 0) + 1,
          at: new Date().toISOString(),
          actorId: userId,
          kind: 'chat.message',
          data: { seq },
          prevHash: prev?.hash ?? GENESIS_HASH,
          hash: `${seq}`.padStart(64, 'h'),
        });
        const settled = await Promise.allSettled([
          store.appendMessage(msg('batch-0001'), (m, prev) => entry(m.seq, prev)),
          store.appendMessage(msg('batch-0002'), () => {
            throw new Error('cannot build this entry');
          }),
          store.appendMessage(msg('batch-0003'), (m, prev) => entry(m.seq, prev)),
        ]);
        expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const stored = await store.listMessages(caseId, 'joint', { afterSeq: 0, limit: 10 });
        expect(stored.map((m) => [m.seq, m.clientId])).toEqual([
          [1, 'batch-0001'],
          [2, 'batch-0003'],
        ]);
        expect(await store.headSeq(caseId, 'joint')).toBe(2);
        const log = await store.listAudit(caseId, { limit: 10 });
        expect(log.map((e) => e.data.seq)).toEqual([1, 2]);
        expect(log[1]?.prevHash).toBe(log[0]?.hash);
      } finally {
        await store.close();
      }
    });
  });
}
