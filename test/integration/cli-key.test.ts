import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { runCli } from '../helpers/process';
import { makeTempDir, startServer, type TestServer } from '../helpers/server';

/**
 * Issue 15, Found 7: `accord verify <file> --key <key>` crashed with a stack trace when the key
 * started with '-', which a base64url key does one time in 64. The server here seals with such a key.
 */
describe('accord verify --key, whatever the key starts with', () => {
  let t: TestServer;
  let publicKey: string;
  let file: string;

  beforeAll(async () => {
    const dataDir = makeTempDir('accord-dash-key-');
    for (;;) {
      const { privateKey, publicKey: pub } = generateKeyPairSync('ed25519');
      const x = pub.export({ format: 'jwk' }).x ?? '';
      if (!x.startsWith('-')) continue;
      publicKey = x;
      writeFileSync(join(dataDir, 'outcome-signing-key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }), {
        mode: 0o600,
      });
      break;
    }
    t = await startServer({ dataDir });
    const c = await t.createCase('dash key');
    const m = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    const sealed = await emit(m, 'outcome:seal', { outcome: 'not_settled', reason: '双方未能达成一致。' });
    expect(sealed.ok).toBe(true);
    m.close();
    file = join(dataDir, 'record.json');
    writeFileSync(file, JSON.stringify(sealed.data));
  });
  afterAll(() => t.close());

  const verify = (args: string[]) =>
    runCli(['verify', file, ...args], t.dataDir).then(
      (out) => ({ code: 0, out, err: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it('`--key VALUE` and `--key=VALUE` with a key starting with "-" verify', async () => {
    expect(publicKey.startsWith('-')).toBe(true);
    for (const args of [['--key', publicKey], [`--key=${publicKey}`]]) {
      const r = await verify(args);
      expect(r).toMatchObject({ code: 0, out: expect.stringContaining('key         matches the published key') });
    }
  });

  it('another key starting with "-" is a clear NOT VALID, not a crash', async () => {
    const r = await verify(['--key', `-${publicKey.slice(1).split('').reverse().join('')}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('signed with a key other than the published one');
    expect(r.err).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('a missing key value is a usage error, not a stack trace', async () => {
    const r = await verify(['--key']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--key');
    expect(r.err).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
