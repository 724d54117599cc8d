import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  ActivityKind,
  CaseLifecycle,
  CloseCode,
  ErrorCode,
  PROTOCOL_VERSION,
  Phase,
  agreementFingerprint,
  canonicalAgreementText,
  chatMessagePayload,
  clientEvents,
  serverEvents,
  sha256Hex,
  transcriptHash,
  type TrackServerEvents,
} from '@accord/shared';

/**
 * docs/PROTOCOL.md is the contract as another client's author reads it: every name the contract in
 * shared/ defines must be there, and its worked examples must be what the code computes.
 */
const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');

/** The names in `names` that the document never writes as inline code (`name`). */
const notDocumented = (names: readonly string[]) => names.filter((name) => !doc.includes(`\`${name}\``));

/** The text of the fenced block between `<!-- name:start -->` and `<!-- name:end -->`. */
function example(name: string): string | undefined {
  const block = new RegExp(`<!-- ${name}:start -->\\s*\`\`\`text\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`).exec(
    doc,
  );
  return block?.[1];
}

// An interface has no runtime keys; this Record must name each of them (and nothing else) to type-check.
const trackEvents: Record<keyof TrackServerEvents, true> = {
  'case:progress': true,
  'case:evidence': true,
  'case:history': true,
};

describe('docs/PROTOCOL.md', () => {
  it('documents every client→server event', () => {
    expect(notDocumented(Object.keys(clientEvents)), 'client events missing from docs/PROTOCOL.md').toEqual([]);
  });

  it('documents every server→client event, /track included', () => {
    const names = [...Object.keys(serverEvents), ...Object.keys(trackEvents)];
    expect(notDocumented(names), 'server events missing from docs/PROTOCOL.md').toEqual([]);
  });

  it('documents every error code', () => {
    expect(notDocumented(ErrorCode.options), 'error codes missing from docs/PROTOCOL.md').toEqual([]);
  });

  it('documents every Yjs close code with its name and number on one line', () => {
    const lines = doc.split('\n');
    const missing = Object.entries(CloseCode)
      .filter(([name, code]) => !lines.some((l) => l.includes(`\`${name}\``) && l.includes(`\`${code}\``)))
      .map(([name, code]) => `${name} (${code})`);
    expect(missing, 'close codes missing from docs/PROTOCOL.md (a line with `NAME` and `code`)').toEqual([]);
  });

  it('documents every phase, case state and activity kind, and the protocol version', () => {
    const names = [...Phase.options, ...CaseLifecycle.options, ...ActivityKind.options];
    expect(notDocumented(names), 'names missing from docs/PROTOCOL.md').toEqual([]);
    expect(doc).toContain(`\`PROTOCOL_VERSION = ${PROTOCOL_VERSION}\``);
  });

  it('shows the canonical text and fingerprint of its worked example as the code computes them', async () => {
    const text = canonicalAgreementText(workedExample(), 'AC-2026-000001', 'zh-CN');
    expect(example('canonical-example'), 'the canonical-example block of docs/PROTOCOL.md').toBe(text);
    expect(doc).toContain(`\`${await agreementFingerprint(text)}\``);
  });

  it('shows the transcript serialisation and hash of its example as the code computes them', async () => {
    // Fields the hash leaves out (channel, ids) are present, as in a stored ChatMessage.
    const common = { channel: 'joint', caseId: 'c', senderId: 's', id: 'i', clientId: 'k' };
    const messages = [
      {
        ...common,
        seq: 1,
        senderRole: 'mediator',
        senderName: 'Li Wei',
        text: 'Welcome, both of you.',
        createdAt: '2026-12-01T09:00:00.000Z',
      },
      {
        ...common,
        seq: 2,
        senderRole: 'customer',
        senderName: 'Wang Fang',
        text: 'Thank you.',
        createdAt: '2026-12-01T09:00:05.120Z',
      },
    ];
    const hash = await transcriptHash(messages);
    const shown = example('transcript-example')?.replace(/\n$/, '') ?? '';
    expect(await sha256Hex(shown), 'the transcript-example block of docs/PROTOCOL.md hashes to').toBe(hash);
    expect(doc).toContain(`\`${hash}\``);
  });

  it('shows a chat message’s audit binding and content hash as the code computes them', async () => {
    const payload = chatMessagePayload({
      id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      caseId: '0193a1b2-0000-7000-8000-000000000001',
      channel: 'joint',
      seq: 2,
      senderId: '0193a1b2-0000-7000-8000-0000000000c1',
      senderName: 'Wang Fang',
      senderRole: 'customer',
      text: 'Thank you.',
      createdAt: '2026-12-01T09:00:05.120Z',
    });
    expect(example('chat-binding-example')?.replace(/\n$/, '')).toBe(payload);
    expect(doc).toContain(`\`${await sha256Hex(payload)}\``);
  });
});

/** The agreement the document's worked example describes, built as the browser's editor stores it. */
function workedExample(): Y.Doc {
  const ydoc = new Y.Doc();
  const text = (s: string) => {
    const t = new Y.XmlText();
    t.insert(0, s);
    return t;
  };
  const element = (name: string, children: (Y.XmlElement | Y.XmlText)[], attributes: Record<string, number> = {}) => {
    // Attribute values as the editor stores them (a heading's level is a number), which Y's typing does not allow.
    const e = new Y.XmlElement(name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v as unknown as string);
    e.insert(0, children);
    return e;
  };
  const item = (...children: Y.XmlElement[]) => element('listItem', children);
  const paragraph = (s: string) => element('paragraph', [text(s)]);
  const formatted = new Y.XmlText();
  ydoc
    .getXmlFragment('body')
    .insert(0, [
      element('heading', [text('还款安排')], { level: 2 }),
      element('paragraph', [formatted]),
      element('bulletList', [
        item(paragraph('分三期，按月还清。')),
        item(paragraph('逾期费用：'), element('bulletList', [item(paragraph('全部减免   '))])),
      ]),
    ]);
  // Written run by run once the paragraph is in the document, as an editor types it.
  formatted.insert(0, '平台同意退还');
  formatted.insert(6, '年度', { strike: {} });
  formatted.insert(8, '服务费', { strike: null, bold: {} });
  formatted.insert(11, '，客户按下列计划还款。', { bold: null });
  const terms = ydoc.getMap('terms');
  terms.set('amountInDisputeCents', 128000);
  terms.set('amountAgreedCents', 96000);
  terms.set('instalments', 3);
  terms.set('firstDueDate', '2027-01-15');
  terms.set('monthlyAmountCents', 32000);
  terms.set('conditions', '通过银行转账支付。\n不再收取其他费用。');
  return ydoc;
}
