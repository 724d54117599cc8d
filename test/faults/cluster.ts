import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AccordServer } from '@accord/server';
import { freePort } from '../helpers/net';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { databaseUrlIn, ownRedis, startPostgresNode, testSchema, type OwnRedis } from '../helpers/services';
import { createTestCase, makeTempDir, type TestCaseOf } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { TcpProxy } from './net';

export type ClusterRole = 'customer' | 'platform' | 'mediator' | 'observer';

/**
 * Two Accord nodes sharing a PostgreSQL schema and a Redis the test owns. Node A is a separate
 * process (so it can be killed with SIGKILL and started again on its port); node B runs in this
 * process and reaches Redis through a TCP proxy the test can cut.
 */
export interface Cluster {
  /** The PostgreSQL schema both nodes use. */
  schema: string;
  /** The prefix of both nodes' Redis keys. */
  prefix: string;
  redis: OwnRedis;
  proxy: TcpProxy;
  a: { url: string; proc: ServerProcess };
  b: AccordServer;
  bUrl: string;
  /** A case open for drafting, no lobby, with a session per role accepted through node B. */
  createCase(title: string): Promise<TestCaseOf<ClusterRole>>;
  /** SIGKILL node A and start it again on the same port and data. */
  restartA(): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** `env`: more settings for both nodes. */
export async function startCluster(tag: string, env: Record<string, string> = {}): Promise<Cluster> {
  const schema = testSchema(tag);
  const dataDir = makeTempDir(`accord-fault-${tag}-`);
  const redis = await ownRedis();
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(redis.url).port) });
  const shared = {
    ACCORD_DATA_DIR: dataDir,
    ACCORD_SEED: 'false',
    ACCORD_REDIS_PREFIX: `accord-f-${randomBytes(4).toString('hex')}`,
    ACCORD_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    ACCORD_DATA_KEY: randomBytes(32).toString('base64'),
    ACCORD_DOC_UNLOAD_MS: '50',
    ...env,
  };
  // B first: it creates the schema, runs the migrations and writes the signing key into the shared dir.
  const { node: b, url: bUrl } = await startPostgresNode({ ...shared, REDIS_URL: proxy.url }, schema);
  const aEnv = { ...shared, PORT: String(await freePort()), REDIS_URL: redis.url, DATABASE_URL: databaseUrlIn(schema) };
  let proc = await spawnServer(dataDir, aEnv);
  const a = { url: proc.url, proc };

  return {
    schema,
    prefix: shared.ACCORD_REDIS_PREFIX,
    redis,
    proxy,
    a,
    b,
    bUrl,
    createCase: (title) =>
      createTestCase(b, bUrl, {
        title,
        roles: ['customer', 'platform', 'mediator', 'observer'],
        category: 'other',
        amountInDisputeCents: 100_000,
      }),
    async restartA() {
      await proc.kill9();
      proc = await spawnServer(dataDir, aEnv);
      a.proc = proc;
    },
    async ready() {
      const answers = await Promise.all(
        [a.url, bUrl].map(async (u) => (await fetch(`${u}/health/ready`).catch(() => null))?.ok ?? false),
      );
      return answers.every(Boolean);
    },
    // The schema is dropped when the test file ends (testSchema); so is all this if close() is not reached.
    async close() {
      await proc.kill9();
      await b.close();
      await proxy.close();
      await redis.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until both nodes answer ready (store and Redis reachable). */
export const bothReady = (cluster: Cluster, ms = 15_000) => waitFor(() => cluster.ready(), 'both nodes ready', ms);
