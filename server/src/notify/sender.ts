import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../config';
import type { Logger } from '../log';
import type { OutboxRecord, OutboxStore } from '../store/types';
import type { Mail } from './notices';

/**
 * A node holds a claimed message this long. Longer than a send can take (the transport's timeouts
 * below add up to well under it), so a lease never runs out while its SMTP conversation is still
 * going: another node takes a message over only from a node that died.
 */
const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const BATCH = 10;

export interface SenderDeps {
  store: OutboxStore;
  render: (m: OutboxRecord, host: string) => Promise<{ mail: Mail } | { drop: string }>;
  log: Logger;
  publicUrl: () => string;
}

/**
 * Sends what the outbox holds, on every node: each loop claims due messages with a lease (one
 * statement, so two nodes never hold the same one), sends each over SMTP, and marks it sent once
 * the server accepted it; a failure is retried with a doubling delay. Without an SMTP server
 * configured it does not run: messages wait in the outbox, and the log says so once.
 * docs/GUARANTEES.md says what "once" means here.
 */
export class MailSender {
  private readonly owner = randomUUID();
  private readonly transport: Transporter | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: MailConfig,
    private readonly d: SenderDeps,
  ) {
    const smtp = config.smtp;
    this.transport = smtp
      ? nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 60_000,
        })
      : null;
  }

  start(): void {
    if (!this.transport) {
      this.d.log.warn(
        { event: 'mail.disabled' },
        'no SMTP server configured (ACCORD_SMTP_HOST): notices stay queued in the outbox until one is',
      );
      return;
    }
    this.schedule(0);
  }

  /** Something was queued: look now rather than at the next poll. */
  kick(): void {
    if (this.transport && !this.stopped) this.schedule(0);
  }

  /** Stops claiming, lets the send under way finish, and gives back what this node had claimed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.transport) {
      await this.d.store.releaseMail(this.owner).catch(() => undefined);
      this.transport.close();
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), ms);
    this.timer.unref();
  }

  private loop(): void {
    this.timer = null;
    this.again = false;
    this.running = this.round()
      .catch((err: unknown) => this.d.log.error({ event: 'mail.round_failed', err }, 'outbox round failed'))
      .finally(() => {
        this.running = null;
        this.schedule(this.again ? 0 : this.config.pollMs);
      });
  }

  private async round(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const claimed = await this.d.store.claimMail(
        this.owner,
        new Date(now).toISOString(),
        new Date(now + LEASE_MS).toISOString(),
        BATCH,
      );
      for (const m of claimed) {
        if (this.stopped) return;
        await this.deliver(m);
      }
      if (claimed.length < BATCH || this.stopped) return;
    }
  }

  private async deliver(m: OutboxRecord): Promise<void> {
    const { store, log } = this.d;
    const at = () => new Date().toISOString();
    if (m.expiresAt !== null && Date.now() >= Date.parse(m.expiresAt)) {
      await store.markMailDropped(m.id, this.owner, at(), 'expired');
      log.info({ event: 'mail.dropped', id: m.id, kind: m.kind, reason: 'expired' }, 'notice expired unsent');
      return;
    }
    let rendered: { mail: Mail } | { drop: string };
    const host = new URL(this.d.publicUrl()).hostname;
    try {
      rendered = await this.d.render(m, host);
    } catch (err) {
      await this.failed(m, err);
      return;
    }
    if ('drop' in rendered) {
      await store.markMailDropped(m.id, this.owner, at(), rendered.drop);
      log.info({ event: 'mail.dropped', id: m.id, kind: m.kind, reason: rendered.drop }, 'notice not sent');
      return;
    }
    const { mail } = rendered;
    try {
      await this.transport?.sendMail({
        from: this.config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        attachments: mail.attachments,
      });
    } catch (err) {
      await this.failed(m, err);
      return;
    }
    // Accepted by the SMTP server: marked at once. A crash between the two resends it (GUARANTEES.md).
    const marked = await store.markMailSent(m.id, this.owner, at());
    if (!marked) log.warn({ event: 'mail.lease_lost', id: m.id }, 'a notice was sent after its lease ran out');
    log.info({ event: 'mail.sent', id: m.id, kind: m.kind, attempts: m.attempts }, 'notice sent');
  }

  private async failed(m: OutboxRecord, err: unknown): Promise<void> {
    const delay = Math.min(this.config.retryMs * 2 ** Math.max(0, m.attempts - 1), MAX_BACKOFF_MS);
    // The code and SMTP status only: a server's message may quote the address, which logs never carry.
    const e = err as { code?: unknown; responseCode?: unknown };
    const message =
      [e.code, e.responseCode]
        .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
        .join(' ') || 'error';
    await this.d.store.markMailFailed(
      m.id,
      this.owner,
      new Date(Date.now() + delay).toISOString(),
      message.slice(0, 500),
    );
    this.d.log.warn(
      { event: 'mail.failed', id: m.id, kind: m.kind, attempts: m.attempts, retryInMs: delay, error: message },
      'notice not sent; will retry',
    );
  }
}
