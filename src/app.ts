import { randomUUID } from 'node:crypto';
import { connectToTeams } from './teams/botEndpoint.js';
import { CheckInCard } from './features/checkIns/checkInCard.js';
import { PersonalDataRequests, personalDataSource } from './features/personalData/personalData.js';
import { Decisions } from './features/decisions/decisions.js';
import { PlanManagement } from './features/plan/planManagement.js';
import { FileConsent } from './teams/fileConsent.js';
import { ReportExport } from './features/reports/reportExport.js';
import { StatusAnswers } from './features/status/statusAnswers.js';
import { ReviewAnswers } from './features/steering/reviewAnswers.js';
import { loadAgreements, type LoadedAgreement } from './config/agreementFolder.js';
import { ConfigError, type Config } from './config/env.js';
import { describeError, log } from './platform/log.js';
import { CheckIns } from './features/checkIns/checkIns.js';
import { SendPacer } from './scheduling/pacer.js';
import { Steering } from './features/steering/steering.js';
import { MeetingEvents } from './features/meetings/meetingEvents.js';
import { Retention } from './features/retention/retention.js';
import { Succession } from './features/succession/succession.js';
import { Scheduler, type TickResult } from './scheduling/scheduler.js';
import { startServer } from './server.js';
import { Dashboards } from './features/dashboard/dashboards.js';
import { TabTokens } from './tab/tabToken.js';
import { developmentPeople, type TabSignIn } from './tab/tabSignIn.js';
import { clockFrom, realClock, type Clock } from './platform/clock.js';
import { syncExampleHistory } from './storage/exampleHistory.js';
import { startLocalAzurite, type LocalAzurite } from './storage/localAzurite.js';
import { openRepositories } from './storage/repositories.js';
import { TableStore, type StorageConnection } from './storage/tableStore.js';
import type { AgreementContext } from './features/agreementContext.js';
import { planDueForAll, routeJobs, type AgreementRuntime } from './features/agreementRuntime.js';
import { agreementOfJob } from './features/jobAgreement.js';
import type { Messenger } from './scheduling/messenger.js';
import type { Repositories } from './storage/repositories.js';

export interface RunningApp {
  url: string;
  /** Where the data is kept, for people: never a key or a password. */
  storageDescription: string;
  /** The agreements it serves, as their files were loaded. */
  agreementIds: string[];
  /** Runs every job that is due now, until none is left (what the trigger endpoint does). */
  runDueJobs(): Promise<TickResult>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** The clock, for tests; otherwise the configured one (CLOCK_START) or the real time. */
  now?: Clock;
  /** Writes the example history beside the agreement file at the first start (default true); tests turn it off. */
  exampleHistory?: boolean;
}

/**
 * The composition root: configuration → agreement files → storage → one runtime per agreement, one scheduler → bot
 * → HTTP server. Every agreement file is validated before anything is written, so a bad file changes nothing.
 */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const now = options.now ?? (config.clockStart ? clockFrom(config.clockStart.at) : realClock);
  const loaded = await loadAgreements(config.agreements);
  if (loaded.length === 0) throw new ConfigError('Invalid configuration: AGREEMENTS_DIR holds no agreement');

  let azurite: LocalAzurite | undefined;
  let connection: StorageConnection;
  let storageDescription: string;
  switch (config.storage.kind) {
    case 'connectionString':
      connection = { connectionString: config.storage.connectionString };
      storageDescription = `Azure Table Storage (${accountNameOf(config.storage.connectionString)})`;
      break;
    case 'accountUrl':
      connection = { accountUrl: config.storage.url };
      storageDescription = `Azure Table Storage at ${config.storage.url} (managed identity)`;
      break;
    case 'embeddedAzurite':
      azurite = await startLocalAzurite({ location: config.storage.location });
      connection = { connectionString: azurite.connectionString };
      storageDescription = `embedded Azurite on port ${azurite.port}, data in ${config.storage.location}`;
      break;
  }

  try {
    const store = new TableStore(connection, azurite ? { untilDurable: azurite.persisted } : {});
    await store.createTables();
    const repositories = openRepositories(store);
    // Recorded before the plans are synced: it depends on which plans were stored before this start.
    const legacyAgreementId = await repositories.plans.legacyAgreement(
      loaded.map((l) => l.agreement.id),
      now(),
    );
    for (const { file, agreement } of loaded) {
      const { written } = await repositories.plans.sync(agreement, now());
      log.info('agreement.synced', { agreementId: agreement.id, rowsWritten: written });
      // Made-up reports never reach production storage, even with the example agreement.
      const history =
        options.exampleHistory === false || config.production
          ? undefined
          : await syncExampleHistory(store, file, agreement);
      if (history) log.info('exampleHistory.synced', { ...history });
    }

    const teams = connectToTeams(config.bot, {
      conversations: repositories.conversations,
      pacer: new SendPacer(),
      defaultLocale: config.defaultLocale,
    });
    const onJobsPlanned = () =>
      void runDueJobs().catch((err: unknown) => log.error('jobs.runFailed', describeError(err)));
    const agreements = loaded.map((l) =>
      buildAgreement(l, {
        config,
        now,
        repositories,
        messengerFor: teams.messengerFor,
        legacyAgreementId,
        loaded,
      }),
    );
    const runtimes = agreements.map((a) => a.runtime);
    // One scheduler for every agreement; jobs stored before they named their agreement are the legacy one's.
    const scheduler = new Scheduler({
      jobs: repositories.jobs,
      handlers: routeJobs(runtimes, legacyAgreementId),
      owner: `instance-${randomUUID()}`,
      intervalMs: config.schedulerIntervalMs,
      leaseMs: 5 * 60_000,
      batchSize: 25,
      concurrency: config.schedulerConcurrency,
      now,
      maxAttempts: 5,
      onError: (err) => log.error('scheduler.failed', describeError(err)),
      beforeTick: planDueForAll(runtimes),
      agreementOf: (job) => agreementOfJob(job) ?? legacyAgreementId,
    });
    const runDueJobs = () => drain(scheduler);

    // The Teams edge finds the agreement of each turn among all of them (features/agreements/whichAgreement.ts).
    const served = agreements.map(({ context, services }) => {
      const { fileSources, ...features } = services;
      const shared = { ...context, ...repositories };
      return {
        features: {
          ...shared,
          ...features,
          reminders: {
            afterWorkingDays: config.checkIns.reminderAfterWorkingDays,
            max: config.checkIns.maxReminders,
          },
          onJobsPlanned,
        },
        files: new FileConsent({ ...shared, appId: config.bot.appId ?? '', sources: fileSources }),
      };
    });
    const bot = teams.endpoint({
      ...repositories,
      agreements: served,
      legacyAgreementId,
      allowedTenantIds: config.allowedTenantIds,
      locale: config.defaultLocale,
      timeZone: config.timeZone,
      now,
    });
    const dashboards = new Dashboards(
      repositories,
      agreements.map(({ context, services }) => ({
        context,
        files: { export: services.fileSources.export, followUp: services.fileSources.followUp },
      })),
    );
    const server = await startServer({
      port: config.port,
      bot,
      tab: {
        dashboards,
        signIn: tabSignIn(config, loaded),
        defaultLocale: config.defaultLocale,
        timeZone: config.timeZone,
        now,
      },
      storageReachable: () => store.isReachable(),
      runDueJobs,
      ...(config.jobsTriggerSecret ? { jobsTriggerSecret: config.jobsTriggerSecret } : {}),
    });
    if (config.schedulerIntervalMs > 0) scheduler.start();
    return {
      url: server.url,
      storageDescription,
      agreementIds: loaded.map((l) => l.agreement.id),
      runDueJobs,
      close: async () => {
        await scheduler.stop();
        await server.close();
        await azurite?.stop();
      },
    };
  } catch (err) {
    await azurite?.stop();
    throw err;
  }
}

/**
 * Teams single sign-on when the app has an id and a domain; the development sign-in as the agreements' people when
 * it runs locally without an id (as the bot then accepts unauthenticated messages); otherwise none.
 */
function tabSignIn(config: Config, loaded: readonly LoadedAgreement[]): TabSignIn {
  const { appId } = config.bot;
  if (appId && config.tab.domain) {
    return {
      kind: 'teams',
      tokens: new TabTokens({
        clientId: appId,
        domain: config.tab.domain,
        allowedTenantIds: config.allowedTenantIds,
        ...(config.tab.authority ? { authority: config.tab.authority } : {}),
      }),
    };
  }
  if (!appId && !config.production) {
    return { kind: 'development', people: developmentPeople(loaded.map((l) => l.agreement)) };
  }
  return { kind: 'notSetUp' };
}

interface Infrastructure {
  config: Config;
  now: Clock;
  repositories: Repositories;
  /** One messenger per agreement, its cards' buttons naming it; all share one pacer. */
  messengerFor(agreementId: string): Messenger;
  /** The agreement whose jobs were planned before jobs named their agreement (see AgreementContext.jobIdPrefix). */
  legacyAgreementId: string;
  /** Every agreement the deployment serves: an agreement's predecessor and successor, if loaded, are among them. */
  loaded: readonly LoadedAgreement[];
}

/**
 * One agreement's context and feature services, and its runtime for the scheduler. Everything an agreement's
 * features read or write goes through its own context, so several can run side by side over the same storage.
 */
function buildAgreement({ file, agreement }: LoadedAgreement, infra: Infrastructure) {
  const { config, now, repositories } = infra;
  const messenger = infra.messengerFor(agreement.id);
  const successor = infra.loaded.find((l) => l.agreement.follows === agreement.id)?.agreement;
  const predecessor = infra.loaded.find((l) => l.agreement.id === agreement.follows)?.agreement;
  const context: AgreementContext = {
    agreementId: agreement.id,
    jobIdPrefix: agreement.id === infra.legacyAgreementId ? '' : `${agreement.id}|`,
    ...(successor ? { successorStartsOn: successor.validFrom } : {}),
    timeZone: config.timeZone,
    calendar: { timeZone: config.timeZone, officeHours: config.officeHours },
    locale: config.defaultLocale,
    now,
  };
  const shared = { ...context, ...repositories };
  const checkInCard = new CheckInCard(shared);
  const checkIns = new CheckIns({ ...shared, messenger, cards: checkInCard, settings: config.checkIns });
  const steering = new Steering({ ...shared, messenger, settings: config.steering });
  const retention = new Retention({ ...shared, messenger, settings: config.retention });
  const reportExport = new ReportExport(shared);
  const personalData = new PersonalDataRequests({
    ...shared,
    agreementFiles: infra.loaded.map((l) => ({ path: l.file, agreement: l.agreement })),
  });
  const succession = new Succession({ ...shared, predecessorId: predecessor?.id });
  const runtime: AgreementRuntime = {
    context,
    file,
    handlers: { ...checkIns.handlers(), ...steering.handlers(), ...retention.handlers() },
    planDue: async (at: Date) => {
      // First, so that the rounds of a successor's first day go to the channels it has taken over.
      await succession.planDue(at);
      if (config.automaticRounds) await checkIns.openDueAutomaticRounds(at);
      if (config.steering.notices) await steering.planDueNotices(at);
      await retention.planDue(at);
    },
  };
  const services = {
    checkIns,
    checkInCard,
    steering,
    meetingEvents: new MeetingEvents({ ...shared, steering, messenger }),
    reviews: new ReviewAnswers(shared),
    reportExport,
    personalData,
    management: new PlanManagement(shared),
    status: new StatusAnswers(shared),
    decisions: new Decisions(shared),
    fileSources: { ...reportExport.fileSources(), [personalDataSource]: personalData.fileSource() },
  };
  return { context, runtime, services };
}

/** Ticks until nothing due is left, so jobs planned during a tick are not left for the next interval. */
async function drain(scheduler: Scheduler): Promise<TickResult> {
  const total: TickResult = { ran: 0, done: 0, retried: 0, failed: 0 };
  for (let i = 0; i < 100; i++) {
    const result = await scheduler.tick();
    total.ran += result.ran;
    total.done += result.done;
    total.retried += result.retried;
    total.failed += result.failed;
    if (result.ran === 0) break;
  }
  return total;
}

function accountNameOf(connectionString: string): string {
  return /AccountName=([^;]+)/i.exec(connectionString)?.[1] ?? 'connection string';
}
