import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import {
  CaseLanguage,
  DISPUTE_TYPE_DESCRIPTIONS,
  classifyComplaint,
  complaintLanguage,
  extractFacts,
  isPdf,
  propose,
  verifyOutcome,
  type RecordFromPdf,
} from '@accord/shared';
import { verifyCaseAudit } from './audit/verify';
import { createDemoCase } from './cases/demo';
import { recordFromPdf } from './outcome/pdf-record';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './log';
import { loadSigningKey } from './outcome/keys';
import { openStore, startAccord } from './server';
import { PostgresStore } from './store/postgres';

const USAGE = `Usage: pnpm accord <command> [options]

Commands:
  serve          Start Accord (default). On an empty data dir, creates the admin
                 account and a demo case and prints how to get in.
  demo [--json]  Create another demo case and print its three invite links.
  purge          Purge closed cases past ACCORD_RETENTION_DAYS (the sealed records stay).
  audit verify <caseId>
                 Check a case's audit trail in the data store: the hash chain, and every
                 chat message, signature and the sealed record against it. Exits 1 naming
                 the first broken link, 2 for a case the store does not hold.
  verify <record.json | outcome.pdf> [--key <public key, base64url>]
                 Check a sealed outcome record offline (the JSON record, or the
                 outcome PDF, which carries it): its signature, fingerprints
                 and (with --key, the key published at /api/outcome/public-key)
                 that it was sealed by that key. Exits 1 when it does not verify.
  assist <complaint.txt> [--lang zh-CN|en]
                 Read a complaint (plain text, Chinese or English) as the mediation
                 assistant does and print, as JSON, its facts (amounts, dates, rates,
                 fee kinds, loan and contract numbers, each with the span of text it
                 came from), its dispute type with the classifier's probabilities, and
                 the assistant's first proposal (clauses, computed amounts, reference
                 rules) in --lang (default: the complaint's language, Chinese when it
                 is mostly Han characters).

Configuration comes from the environment (PORT, ACCORD_DATA_DIR, ACCORD_PUBLIC_URL, …);
see README.md.`;

/**
 * The one-time admin password goes to a file only this account can read, not the console: stdout
 * is where the JSON logs go, and logs are collected, shipped and kept by whoever runs the service.
 */
function writeAdminPassword(dataDir: string, password: string): string {
  const path = join(dataDir, 'admin-password.txt');
  // Removed first so the mode applies: an existing file (a start that failed after writing it) keeps its own.
  rmSync(path, { force: true });
  writeFileSync(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return path;
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const server = await startAccord(config);
  await server.listen();
  if (config.seed) {
    const admin = await server.cases.bootstrapAdmin();
    const demo = (await server.store.countCases()) === 0 ? await createDemoCase(server.cases, server.accounts) : null;
    if (admin || demo) {
      const lines = ['', `  Accord is running at ${server.url()}`, ''];
      if (demo) {
        lines.push(
          `  Demo case ${demo.caseNumber} — open each link in its own browser tab`,
          `  (each shows its party's signing PIN once, when first opened; the links are printed`,
          `  here on purpose, being the demo, and open only this demo case):`,
          `    customer  ${demo.invites.customer}`,
          `    platform  ${demo.invites.platform}`,
          `    mediator  ${demo.invites.mediator}`,
          '',
        );
      }
      if (admin) {
        lines.push(
          `  Admin sign-in (you will be asked to change the password):`,
          `    username  ${admin.username}`,
          `    password  in ${writeAdminPassword(config.dataDir, admin.password)} (readable by its owner only;`,
          `              delete it once you have signed in)`,
          '',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  }
  // Retention: closed cases past their period are purged at start and then daily.
  const purge = () =>
    void server.records.purgeExpired(config.retentionDays).then(
      (ids) => ids.length > 0 && server.log.info({ event: 'retention.purged', cases: ids.length }, 'purged'),
      (err: unknown) => server.log.error({ err, event: 'retention.failed' }, 'purge failed'),
    );
  purge();
  setInterval(purge, 24 * 3600_000).unref();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ event: 'shutdown', signal }, 'shutting down');
    void server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function demo(json: boolean): Promise<void> {
  const config = loadConfig({ ...process.env, ACCORD_LOG_LEVEL: process.env.ACCORD_LOG_LEVEL ?? 'warn' });
  // Its stdout is the invite links (or their JSON, which scripts parse): the server's logs go to stderr.
  const server = await startAccord(config, { log: createLogger(config, pino.destination(2)) });
  try {
    const d = await createDemoCase(server.cases, server.accounts);
    if (json) {
      process.stdout.write(`${JSON.stringify({ caseId: d.caseId, invites: d.invites })}\n`);
    } else {
      process.stdout.write(
        `Demo case ${d.caseNumber} (${d.caseId})\n` +
          `  customer  ${d.invites.customer}\n  platform  ${d.invites.platform}\n  mediator  ${d.invites.mediator}\n`,
      );
    }
  } finally {
    await server.close();
  }
}

async function auditVerify(caseId: string | undefined): Promise<void> {
  if (!caseId) throw new ConfigError('usage: accord audit verify <caseId>');
  const config = loadConfig({ ...process.env, ACCORD_LOG_LEVEL: 'silent' });
  const store = config.databaseUrl
    ? await PostgresStore.open({ connectionString: config.databaseUrl })
    : openStore(config);
  try {
    // The record must be sealed by this installation's key, when the data dir holds it (never created here).
    const keyFile = join(config.dataDir, 'outcome-signing-key.pem');
    const publishedKey = existsSync(keyFile) ? loadSigningKey(config.dataDir).publicKey : undefined;
    const report = await verifyCaseAudit(store, caseId, publishedKey);
    if (!report) {
      process.stderr.write(`accord audit verify: no case ${caseId} in this data store (nothing to verify)\n`);
      process.exitCode = 2;
      return;
    }
    const [first, ...rest] = report.findings;
    if (!first) {
      process.stdout.write(
        `audit log of ${caseId}: ${report.entries} entries, chain intact, head ${report.head}; ` +
          'chat, signatures and sealed record match it\n',
      );
      return;
    }
    const lines = [`audit log of ${caseId}: BROKEN`, `  first broken link: ${first.message}`];
    if (rest.length > 0) lines.push(`  and ${rest.length} more:`, ...rest.map((f) => `    ${f.message}`));
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

/** The sealed record in a file: the JSON record itself, or the one embedded in an outcome PDF. */
async function readRecord(file: string): Promise<RecordFromPdf> {
  const bytes = readFileSync(file);
  if (isPdf(bytes)) return recordFromPdf(bytes);
  return { ok: true, sealed: JSON.parse(bytes.toString('utf8')) as unknown };
}

async function verifyRecord(file: string | undefined, key: string | undefined): Promise<void> {
  if (!file) throw new ConfigError('usage: accord verify <record.json | outcome.pdf> [--key <public key>]');
  const read = await readRecord(file);
  const result = read.ok
    ? await verifyOutcome(read.sealed, key)
    : { ok: false, problems: [read.problem], codes: ['not_a_record'], record: null };
  const r = result.record;
  if (result.ok && r) {
    const lines = [
      `VALID: this record was sealed by the Accord key ${r.key.id.slice(0, 16)}… and is unaltered.`,
      `  case        ${r.caseNumber} — ${r.title}`,
      `  outcome     ${r.outcome.kind}${r.outcome.reason ? ` (${r.outcome.reason})` : ''}`,
      r.agreement ? `  agreement   fingerprint ${r.agreement.fingerprint}` : '  agreement   none',
      ...r.signatures.map((s) => `  signed      ${s.role} ${s.name} at ${s.signedAt}`),
      `  transcript  ${r.transcript.messages} messages, sha256 ${r.transcript.hash}`,
      `  audit log   head ${r.audit.headHash}`,
      `  sealed      ${r.sealedAt}`,
      key
        ? '  key         matches the published key'
        : '  key         not compared: pass --key <published key> to check who sealed it',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    process.stdout.write(`NOT VALID:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

/** Options that take a value. */
const VALUE_OPTIONS = new Set(['--key', '--lang']);

/**
 * `--key VALUE` as `--key=VALUE`, whatever VALUE starts with: a base64url key may start with '-',
 * which parseArgs would otherwise refuse as looking like an option.
 */
function joinOptionValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    // After `--` everything is a positional, as parseArgs reads it.
    if (arg === '--') return [...out, ...argv.slice(i)];
    const value = argv[i + 1];
    if (VALUE_OPTIONS.has(arg) && value !== undefined) {
      out.push(`${arg}=${value}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: joinOptionValues(argv),
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        key: { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    // parseArgs's own errors (an unknown option, a missing value) are the user's, not a crash.
    throw new ConfigError(`${(err as Error).message}\n\n${USAGE}`);
  }
}

/**
 * The assistant's reading of a complaint and its first proposal, through the same shared code the
 * server uses. Without a case there is no declared hardship and no lender policy; the amount in
 * dispute is the complaint's largest amount, and the proposal is made today (UTC).
 */
function assist(file: string | undefined, lang: string | undefined): void {
  const usage = 'usage: accord assist <complaint.txt> [--lang zh-CN|en]';
  if (!file) throw new ConfigError(usage);
  const language = lang === undefined ? null : CaseLanguage.safeParse(lang);
  if (language && !language.success) {
    throw new ConfigError(`accord assist: --lang must be zh-CN or en, not "${lang}"\n${usage}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`accord assist: cannot read ${file}: ${(err as Error).message}`);
  }
  const classification = classifyComplaint(text);
  const facts = extractFacts(text);
  const amounts = facts.flatMap((f) => (f.kind === 'amount' ? [f.cents] : []));
  const proposal = propose({
    language: language?.data ?? complaintLanguage(text),
    type: classification.type,
    facts,
    amountInDisputeCents: amounts.length > 0 ? Math.max(...amounts) : 0,
    hardship: null,
    planPolicy: null,
    today: new Date().toISOString().slice(0, 10),
  });
  const out = {
    facts,
    type: {
      id: classification.type,
      probability: classification.probability,
      description: DISPUTE_TYPE_DESCRIPTIONS[classification.type],
      ranking: classification.ranking,
    },
    proposal,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const command = positionals[0] ?? 'serve';
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  switch (command) {
    case 'serve':
      return serve();
    case 'demo':
      return demo(values.json);
    case 'purge': {
      const config = loadConfig({ ...process.env, ACCORD_LOG_LEVEL: process.env.ACCORD_LOG_LEVEL ?? 'warn' });
      const server = await startAccord(config);
      try {
        const purged = await server.records.purgeExpired(config.retentionDays);
        process.stdout.write(`purged ${purged.length} case(s)\n`);
      } finally {
        await server.close();
      }
      return;
    }
    case 'audit':
      if (positionals[1] !== 'verify') throw new ConfigError('usage: accord audit verify <caseId>');
      return auditVerify(positionals[2]);
    case 'verify':
      return verifyRecord(positionals[1], values.key);
    case 'assist':
      return assist(positionals[1], values.lang);
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
