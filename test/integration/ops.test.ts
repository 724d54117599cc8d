import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom } from '../helpers/clients';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

describe('operating a node: health, readiness and metrics', () => {
  let t: TestServer;
  let c: TestCase;
  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
  });
  afterAll(() => t.close());

  it('is alive and ready while its store answers', async () => {
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${t.url}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('publishes Prometheus metrics for connections, messages, acknowledgements and the store', async () => {
    const room = await connectRoom(t.url, c.tokens.customer, c.caseId);
    expect((await room.send('计量')).ok).toBe(true);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/accord_connections\{kind="room"\} 1/);
    expect(text).toMatch(/accord_chat_messages_total 1/);
    expect(text).toMatch(/accord_ack_seconds_count\{event="chat:send"\} 1/);
    expect(text).toMatch(/accord_store_seconds_count\{op="appendMessage"\} 1/);
    expect(text).toMatch(/accord_rooms 1/);
    room.close();
  });

  it('is not ready once its store stops answering', async () => {
    await t.server.store.close();
    const res = await fetch(`${t.url}/health/ready`);
    expect(res.status).toBe(503);
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });
});
