import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseLocalMoment } from '../platform/clock.js';
import type { AgreementSource } from './agreementFolder.js';

/** The shipped example agreement, and where its clock starts unless CLOCK_START says otherwise. */
export const exampleAgreementFile = 'agreements/example.yaml';
export const exampleClockStart = '2021-10-18T09:00';

/**
 * Every setting the bot reads from its environment. The Bot Framework settings keep the SDK's own names so
 * that an Azure Bot resource's values can be pasted as they are.
 */
const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const guid = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID');

const optionalGuid = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .pipe(guid.optional())
  .optional();

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    MicrosoftAppId: optionalGuid,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: z.enum(['SingleTenant', 'UserAssignedMSI', 'MultiTenant']).default('SingleTenant'),
    MicrosoftAppTenantId: optionalGuid,
    /**
     * The SDK's own setting for where the Bot Connector's token signing keys are published (an OpenID metadata
     * document). Empty means Azure's public cloud; tests point it at a local one so tokens can be signed offline.
     */
    BotOpenIdMetadata: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    /**
     * The host name the bot and its dashboard tab are served from, without a scheme (what `npm run package` puts
     * in the manifest): the tab's sign-in tokens are for `api://<BOT_DOMAIN>/<MicrosoftAppId>`.
     */
    BOT_DOMAIN: optionalText.pipe(
      z
        .string()
        .regex(
          /^(?=.{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/i,
          'must be a host name such as samverkansbot.example.se (no scheme, no path)',
        )
        .optional(),
    ),
    /** Where Entra ID publishes each tenant's keys for the tab's tokens; empty is Microsoft's. Tests use a local one. */
    ENTRA_AUTHORITY: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    STORAGE_CONNECTION_STRING: optionalText,
    STORAGE_ACCOUNT_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    /** Read by @azure/identity for a user-assigned managed identity; checked here so a typo is caught at start. */
    AZURE_CLIENT_ID: optionalGuid,
    /** Empty is the same as unset (the example), so that a copied .env.example can leave it empty for AGREEMENTS_DIR. */
    AGREEMENT_FILE: optionalText.default(exampleAgreementFile),
    /** A folder of agreement files, one agreement each; instead of AGREEMENT_FILE. */
    AGREEMENTS_DIR: optionalText,
    ALLOWED_TENANT_IDS: z
      .string()
      .trim()
      .default('')
      .transform((s) =>
        s
          .split(',')
          // GUIDs compare without regard to case; Teams sends them in lower case.
          .map((t) => t.trim().toLowerCase())
          .filter((t) => t !== ''),
      )
      .pipe(z.array(guid)),
    DEFAULT_LOCALE: z.enum(['sv', 'en']).default('sv'),
    TIME_ZONE: z
      .string()
      .trim()
      .default('Europe/Stockholm')
      .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Stockholm'),
    DATA_DIR: z.string().trim().min(1).default('.data'),
    OFFICE_HOURS: z
      .string()
      .trim()
      .default('08:00-17:00')
      .pipe(
        z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be like 08:00-17:00')
          .refine((s) => s.slice(0, 5) < s.slice(6), 'must end after it starts'),
      ),
    REMINDER_AFTER_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
    MAX_REMINDERS: z.coerce.number().int().min(0).max(10).default(2),
    AUTOMATIC_ROUNDS: z.enum(['on', 'off']).default('on'),
    STEERING_NOTICES: z.enum(['on', 'off']).default('on'),
    SUMMARY_LEAD_WORKING_DAYS: z.coerce.number().int().min(0).max(30).default(2),
    RENEWAL_NOTICE_WORKING_DAYS: z.coerce.number().int().min(0).max(200).default(40),
    ROUND_LEAD_WORKING_DAYS: z.coerce.number().int().min(0).max(60).default(10),
    SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
    JOBS_TRIGGER_SECRET: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /**
     * Months after the agreement's end (with extensions) that its reports are archived and removed. Unset keeps
     * them: a municipality's document management plan (dokumenthanteringsplan) under arkivlagen decides the period.
     */
    REPORT_RETENTION_MONTHS: optionalText.pipe(
      z
        .string()
        .regex(/^\d+$/, 'must be a whole number of months, 1 to 240')
        .transform(Number)
        .pipe(z.int().min(1, 'must be 1 to 240 months').max(240, 'must be 1 to 240 months'))
        .optional(),
    ),
    /** Where the archive is written before reports are removed; `<DATA_DIR>/archive` when unset. */
    ARCHIVE_DIR: optionalText,
    /**
     * Starts the bot's clock at this local time (`YYYY-MM-DDTHH:mm` in TIME_ZONE), running on at normal speed;
     * `off` for the real time. Unset: the example agreement in development gets its example clock.
     */
    CLOCK_START: optionalText.pipe(
      z
        .string()
        .regex(/^(off|\d{4}-\d{2}-\d{2}T\d{2}:\d{2})$/, 'must be like 2021-10-18T09:00, or off')
        .optional(),
    ),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Application Insights (Overview → Connection String): traces and metrics through OpenTelemetry. */
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.pipe(
      z
        .string()
        .regex(/(^|;)\s*InstrumentationKey=[^;]+/i, 'must be like InstrumentationKey=…;IngestionEndpoint=…')
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const production = env.NODE_ENV === 'production';
    if (env.STORAGE_CONNECTION_STRING && env.STORAGE_ACCOUNT_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_ACCOUNT_URL'],
        message: 'set either STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL, not both',
      });
    }
    if (production && !env.STORAGE_CONNECTION_STRING && !env.STORAGE_ACCOUNT_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_CONNECTION_STRING'],
        message: 'is required in production (or STORAGE_ACCOUNT_URL with a managed identity)',
      });
    }
    if (production && env.BotOpenIdMetadata && !env.BotOpenIdMetadata.startsWith('https:')) {
      // Whoever can answer this address decides which tokens the bot trusts.
      ctx.addIssue({ code: 'custom', path: ['BotOpenIdMetadata'], message: 'must use https in production' });
    }
    if (production && env.ENTRA_AUTHORITY && !env.ENTRA_AUTHORITY.startsWith('https:')) {
      // Whoever can answer this address decides who the tab believes is signed in.
      ctx.addIssue({ code: 'custom', path: ['ENTRA_AUTHORITY'], message: 'must use https in production' });
    }
    if (production && env.CLOCK_START && env.CLOCK_START !== 'off') {
      // People's reports would be stamped with a made-up time.
      ctx.addIssue({ code: 'custom', path: ['CLOCK_START'], message: 'is not allowed in production' });
    }
    if (env.CLOCK_START && env.CLOCK_START !== 'off' && !parseLocalMoment(env.CLOCK_START, env.TIME_ZONE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLOCK_START'],
        message: 'is not a time that exists in TIME_ZONE',
      });
    }
    if (production && !env.MicrosoftAppId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: 'is required in production' });
    }
    if (production && env.ALLOWED_TENANT_IDS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLOWED_TENANT_IDS'],
        message: "is required in production: the municipality's and the police's tenant ids",
      });
    }
    if (env.MicrosoftAppId && env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppTenantId'],
        message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}`,
      });
    }
    if (env.MicrosoftAppId && env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppPassword'],
        message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export type StorageSetting =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'accountUrl'; url: string }
  | { kind: 'embeddedAzurite'; location: string };

export interface Config {
  production: boolean;
  port: number;
  bot: {
    appId?: string;
    appPassword?: string;
    appType: Env['MicrosoftAppType'];
    tenantId?: string;
    /** Where the signing keys of incoming tokens are published; undefined means Azure's public cloud. */
    openIdMetadataUrl?: string;
  };
  storage: StorageSetting;
  /**
   * The dashboard tab's sign-in: the domain its tokens name (BOT_DOMAIN) and where Entra ID's keys are read. Without
   * a domain and an app id the tab signs no one in, except for the development sign-in outside production.
   */
  tab: { domain?: string; authority?: string };
  /** Where the agreements are read from: AGREEMENTS_DIR when set, otherwise AGREEMENT_FILE. */
  agreements: AgreementSource;
  /** AGREEMENT_FILE, or the example; not read when `agreements` is a folder. */
  agreementFile: string;
  allowedTenantIds: string[];
  defaultLocale: Env['DEFAULT_LOCALE'];
  timeZone: string;
  officeHours: { start: string; end: string };
  checkIns: { reminderAfterWorkingDays: number; maxReminders: number; leadWorkingDays: number };
  /** Whether rounds open by themselves from the measures' cadence; otherwise only coordinators open them. */
  automaticRounds: boolean;
  /** Whether the steering group gets its summaries, meeting warnings and renewal reminders by itself. */
  steering: { notices: boolean; summaryLeadWorkingDays: number; renewalNoticeWorkingDays: number };
  /** 0 turns the built-in timer off (jobs then run only through the trigger endpoint). */
  schedulerIntervalMs: number;
  /** Jobs one instance runs at once; the sends are paced within Teams' limits however many there are. */
  schedulerConcurrency: number;
  jobsTriggerSecret?: string;
  /**
   * Removal of reports after the agreement has ended: `months` unset keeps them for good. The archive is written
   * to `archiveDir` first.
   */
  retention: { months?: number; archiveDir: string };
  /**
   * Where the bot's clock starts (it runs on at normal speed); undefined is the real time. `byDefault` when it
   * came from the example agreement rather than CLOCK_START.
   */
  clockStart?: { at: Date; local: string; byDefault: boolean };
  logLevel: Env['LOG_LEVEL'];
  /** Traces and metrics to Application Insights; undefined sends nothing and loads none of it. */
  telemetry?: { connectionString: string };
}

/** Thrown with one line naming the setting that is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = issue?.path.join('.') || 'environment';
    throw new ConfigError(`Invalid configuration: ${setting} ${issue?.message ?? 'is invalid'}`);
  }
  const env = parsed.data;
  if (env.AGREEMENTS_DIR && (source.AGREEMENT_FILE ?? '').trim() !== '') {
    // Which agreements a deployment serves must not depend on which setting wins.
    throw new ConfigError(
      'Invalid configuration: AGREEMENTS_DIR set either AGREEMENT_FILE or AGREEMENTS_DIR, not both (leave AGREEMENT_FILE empty)',
    );
  }
  const agreementFile = env.AGREEMENT_FILE ?? exampleAgreementFile;
  return {
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    bot: {
      appId: env.MicrosoftAppId,
      appPassword: env.MicrosoftAppPassword,
      appType: env.MicrosoftAppType,
      tenantId: env.MicrosoftAppTenantId,
      ...(env.BotOpenIdMetadata ? { openIdMetadataUrl: env.BotOpenIdMetadata } : {}),
    },
    tab: {
      ...(env.BOT_DOMAIN ? { domain: env.BOT_DOMAIN.toLowerCase() } : {}),
      ...(env.ENTRA_AUTHORITY ? { authority: env.ENTRA_AUTHORITY } : {}),
    },
    storage: env.STORAGE_CONNECTION_STRING
      ? { kind: 'connectionString', connectionString: env.STORAGE_CONNECTION_STRING }
      : env.STORAGE_ACCOUNT_URL
        ? { kind: 'accountUrl', url: env.STORAGE_ACCOUNT_URL }
        : { kind: 'embeddedAzurite', location: `${env.DATA_DIR}/azurite` },
    agreements: env.AGREEMENTS_DIR
      ? { kind: 'folder', path: env.AGREEMENTS_DIR }
      : { kind: 'file', path: agreementFile },
    agreementFile,
    allowedTenantIds: env.ALLOWED_TENANT_IDS,
    defaultLocale: env.DEFAULT_LOCALE,
    timeZone: env.TIME_ZONE,
    officeHours: { start: env.OFFICE_HOURS.slice(0, 5), end: env.OFFICE_HOURS.slice(6) },
    checkIns: {
      reminderAfterWorkingDays: env.REMINDER_AFTER_WORKING_DAYS,
      maxReminders: env.MAX_REMINDERS,
      leadWorkingDays: env.ROUND_LEAD_WORKING_DAYS,
    },
    automaticRounds: env.AUTOMATIC_ROUNDS === 'on',
    steering: {
      notices: env.STEERING_NOTICES === 'on',
      summaryLeadWorkingDays: env.SUMMARY_LEAD_WORKING_DAYS,
      renewalNoticeWorkingDays: env.RENEWAL_NOTICE_WORKING_DAYS,
    },
    schedulerIntervalMs: env.SCHEDULER_INTERVAL_SECONDS * 1000,
    schedulerConcurrency: env.SCHEDULER_CONCURRENCY,
    jobsTriggerSecret: env.JOBS_TRIGGER_SECRET,
    retention: {
      ...(env.REPORT_RETENTION_MONTHS !== undefined ? { months: env.REPORT_RETENTION_MONTHS } : {}),
      archiveDir: env.ARCHIVE_DIR ?? `${env.DATA_DIR}/archive`,
    },
    ...clockStartOf(env),
    logLevel: env.LOG_LEVEL,
    ...(env.APPLICATIONINSIGHTS_CONNECTION_STRING
      ? { telemetry: { connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING } }
      : {}),
  };
}

function clockStartOf(env: Env): Pick<Config, 'clockStart'> {
  // A folder gets no example clock: its agreements may be of any years.
  const usesExample =
    !env.AGREEMENTS_DIR &&
    path.resolve(env.AGREEMENT_FILE ?? exampleAgreementFile) === path.resolve(exampleAgreementFile);
  const byDefault = env.CLOCK_START === undefined && env.NODE_ENV === 'development' && usesExample;
  const local = byDefault ? exampleClockStart : env.CLOCK_START;
  if (!local || local === 'off') return {};
  const at = parseLocalMoment(local, env.TIME_ZONE);
  return at ? { clockStart: { at, local, byDefault } } : {};
}
