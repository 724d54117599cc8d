import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@accord/shared';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

/** A Socket.IO handshake as a page at `origin` would make it; resolves with whether it connected. */
function socketIoFrom(t: TestServer, c: TestCase, origin: string): Promise<boolean> {
  const socket = io(t.url, {
    transports: ['websocket'],
    extraHeaders: { origin },
    reconnection: false,
    auth: { token: c.tokens.customer, caseId: c.caseId },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.disconnect(), resolve(true)));
    socket.once('connect_error', () => (socket.disconnect(), resolve(false)));
  });
}

/** A y-websocket handshake as a page at `origin` would make it; resolves with the close code, or 'open'. */
function yjsFrom(t: TestServer, c: TestCase, origin: string): Promise<number | 'open'> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/yjs/${c.caseId}?token=${c.tokens.customer}`, { origin });
  return new Promise((resolve) => {
    const timer = setTimeout(() => (ws.close(), resolve('open')), 500);
    ws.once('close', (code) => (clearTimeout(timer), resolve(code)));
  });
}

/** Issue 8, item 15 (moved here from test/integration so the hostile-input suite lists it). */
describe('cross-site WebSocket hijacking: a handshake from a foreign Origin is refused', () => {
  let t: TestServer;
  let c: TestCase;

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_ALLOWED_ORIGINS: 'https://mediation.example' } });
    c = await t.createCase();
  });
  afterAll(() => t.close());

  it('Socket.IO: foreign and malformed origins are refused; the same host and configured origins connect', async () => {
    expect(await socketIoFrom(t, c, 'https://evil.example')).toBe(false);
    expect(await socketIoFrom(t, c, 'null')).toBe(false);
    expect(await socketIoFrom(t, c, t.url)).toBe(true);
    expect(await socketIoFrom(t, c, 'https://mediation.example')).toBe(true);
  });

  it('Yjs: a foreign origin is closed with 4403 before any document is read; the same host syncs', async () => {
    expect(await yjsFrom(t, c, 'https://evil.example')).toBe(CloseCode.FORBIDDEN);
    expect(await yjsFrom(t, c, t.url)).toBe('open');
    expect(await yjsFrom(t, c, 'https://mediation.example')).toBe('open');
  });
});
