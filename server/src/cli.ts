import { parseArgs } from 'node:util';
import { createDemoCase } from './cases/demo';
import { ConfigError, loadConfig } from './config';
import { createAccordServer } from './server';

const USAGE = `Usage: pnpm accord <command> [options]

Commands:
  serve          Start Accord (default). On an empty data dir, creates the admin
                 account and a demo case and prints how to get in.
  demo [--json]  Create another demo case and print its three invite links.

Configuration comes from the environment (PORT, ACCORD_DATA_DIR, ACCORD_PUBLIC_URL, …);
see README.md.`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const server = createAccordServer(config);
  await server.listen();
  if (config.seed) {
    const admin = await server.cases.bootstrapAdmin();
    const demo = (await server.store.countCases()) === 0 ? await createDemoCase(server.cases) : null;
    if (admin || demo) {
      const lines = ['', `  Accord is running at ${server.url()}`, ''];
      if (demo) {
        lines.push(
          `  Demo case ${demo.caseNumber} — open each link in its own browser tab:`,
          `    customer  ${demo.invites.customer}`,
          `    platform  ${demo.invites.platform}`,
          `    mediator  ${demo.invites.mediator}`,
          '',
        );
      }
      if (admin) {
        lines.push(
          `  Admin sign-in (shown once; you will be asked to change it):`,
          `    username  ${admin.username}`,
          `    password  ${admin.password}`,
          '',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  }
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
  const server = createAccordServer(config);
  try {
    const d = await createDemoCase(server.cases);
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

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
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
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
