import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoomStates } from './access/room-states';
import type { AssistantService } from './assistant/service';
import type { DocRegistry } from './agreement/registry';
import { buildInfrastructure, openStore, type AccordOverrides } from './app/infrastructure';
import { buildServices } from './app/services';
import { attachTransports, createSocketServer, VERSION } from './app/transports';
import type { AuditLog } from './audit/log';
import type { AuthService } from './auth/service';
import type { RecordsService } from './cases/records';
import type { HardshipService } from './cases/hardship';
import type { CaseService } from './cases/service';
import type { AccountService } from './auth/accounts';
import { modeOf, publicUrlOf, type AccordConfig } from './config';
import type { EvidenceService } from './evidence/service';
import type { Logger } from './log';
import type { AccordIo } from './room/socket-types';
import { PostgresStore } from './store/postgres';
import { setHashQueueLimit } from './auth/passwords';
import type { Store } from './store/types';

export { openStore, VERSION, type AccordOverrides };

export interface AccordServer {
  readonly config: AccordConfig;
  readonly log: Logger;
  readonly store: Store;
  readonly auth: AuthService;
  readonly cases: CaseService;
  /** Staff accounts and lenders. */
  readonly accounts: AccountService;
  readonly docs: DocRegistry;
  readonly rooms: RoomStates;
  readonly audit: AuditLog;
  /** The customer's export and the retention purge. */
  readonly records: RecordsService;
  /** The customer's hardship declaration (and what the sealed record keeps of it). */
  readonly hardship: HardshipService;
  /** The mediation assistant (the complaint's facts and type, the first proposal, provenance). */
  readonly assistant: AssistantService;
  readonly evidence: EvidenceService;
  readonly http: HttpServer;
  readonly io: AccordIo;
  /** Starts listening; resolves with the bound port and public URL. */
  listen(): Promise<{ port: number; url: string }>;
  /** The public URL (valid after listen). */
  url(): string;
  /** Stops accepting, closes every connection, compacts loaded documents, closes the store. */
  close(): Promise<void>;
}

/**
 * Builds a node in the mode its configuration names: embedded (SQLite,
 * in-process bus and presence), or scaled out (PostgreSQL, Redis bus,
 * presence and Socket.IO adapter) when REDIS_URL and DATABASE_URL are set.
 */
export async function startAccord(config: AccordConfig, overrides: AccordOverrides = {}): Promise<AccordServer> {
  if (modeOf(config) === 'embedded') return createAccordServer(config, overrides);
  const store = overrides.store ?? (await PostgresStore.open({ connectionString: config.databaseUrl ?? '' }));
  return createAccordServer(config, { ...overrides, store });
}

/**
 * The composition root: builds a whole Accord node from one config (state and buses, then the
 * services, then the transports that translate for them). Nothing listens until `listen()`.
 */
export function createAccordServer(config: AccordConfig, overrides: AccordOverrides = {}): AccordServer {
  const mode = modeOf(config);
  setHashQueueLimit(config.passwordHashQueue);
  const infra = buildInfrastructure(config, overrides);
  const { log, store } = infra;
  let boundPort = config.port;
  const url = () => publicUrlOf(config, boundPort);
  const io = createSocketServer(config, infra);
  const services = buildServices(config, infra, io, url);
  const { http, room, yjs } = attachTransports(config, infra, services, io);

  let closing: Promise<void> | null = null;
  return {
    config,
    log,
    store,
    auth: services.auth,
    cases: services.cases,
    accounts: services.accounts,
    docs: services.docs,
    rooms: services.rooms,
    audit: services.audit,
    records: services.flow.records,
    hardship: services.flow.hardship,
    assistant: services.assistant,
    evidence: services.evidence,
    http,
    io,
    url,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          boundPort = (http.address() as AddressInfo).port;
          log.info(
            { event: 'listening', port: boundPort, url: url(), store: store.kind, mode, node: infra.nodeId },
            `Accord (${mode}) on ${url()}`,
          );
          services.mail.start();
          resolve({ port: boundPort, url: url() });
        });
      }),
    close: () =>
      (closing ??= (async () => {
        // Stop accepting; tell every client to go (they reconnect, through the balancer, elsewhere);
        // let the events being handled finish their writes; then store what the documents hold.
        http.close();
        room.close();
        yjs.close();
        services.rooms.close();
        await new Promise<void>((resolve) => void io.close(() => resolve()));
        await Promise.race([room.drain(), new Promise((r) => setTimeout(r, 5000).unref())]);
        http.closeAllConnections();
        await services.docs.closeAll();
        await services.mail.stop();
        await infra.close();
      })()),
  };
}
