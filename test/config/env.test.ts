import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../src/config/env.js';

const appId = '11111111-2222-3333-4444-555555555555';
const tenant = '66666666-7777-8888-9999-000000000000';
/** A production configuration that loads: the refusals that start from it change one setting. */
const production = {
  NODE_ENV: 'production',
  MicrosoftAppId: appId,
  MicrosoftAppPassword: 'secret',
  MicrosoftAppTenantId: tenant,
  STORAGE_CONNECTION_STRING: 'x',
  ALLOWED_TENANT_IDS: tenant,
};

describe('configuration from the environment', () => {
  it('runs locally with no settings at all: embedded Azurite, example agreement, Swedish, Stockholm time', () => {
    const config = loadConfig({});
    assert.deepEqual(config.storage, { kind: 'embeddedAzurite', location: '.data/azurite' });
    assert.equal(config.port, 3978);
    assert.equal(config.agreementFile, 'agreements/example.yaml');
    assert.equal(config.defaultLocale, 'sv');
    assert.equal(config.timeZone, 'Europe/Stockholm');
    assert.equal(config.bot.appId, undefined);
  });

  it('reads the agreements from AGREEMENTS_DIR instead of AGREEMENT_FILE, never both, and gives a folder no example clock', () => {
    assert.deepEqual(loadConfig({}).agreements, { kind: 'file', path: 'agreements/example.yaml' });
    assert.deepEqual(loadConfig({ AGREEMENT_FILE: '' }).agreements, {
      kind: 'file',
      path: 'agreements/example.yaml',
    });
    const folder = loadConfig({ AGREEMENTS_DIR: 'agreements', AGREEMENT_FILE: ' ' });
    assert.deepEqual(folder.agreements, { kind: 'folder', path: 'agreements' });
    assert.equal(folder.clockStart, undefined);
    assert.throws(
      () => loadConfig({ AGREEMENTS_DIR: 'agreements', AGREEMENT_FILE: 'agreements/example.yaml' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /^Invalid configuration: AGREEMENTS_DIR set either AGREEMENT_FILE or AGREEMENTS_DIR, not both/.test(
          err.message,
        ),
    );
  });

  it('takes a single-tenant bot, a storage connection string and the allowed tenants', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: tenant,
      STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=vasby;AccountKey=a2V5;',
      ALLOWED_TENANT_IDS: `${tenant}, ${appId}`,
    });
    assert.equal(config.production, true);
    assert.deepEqual(config.allowedTenantIds, [tenant, appId]);
    assert.equal(config.storage.kind, 'connectionString');
  });

  it('runs the example agreement on its example clock in development, and nothing else on a made-up time', () => {
    const example = loadConfig({});
    assert.equal(example.clockStart?.local, '2021-10-18T09:00');
    assert.equal(
      example.clockStart.at.toISOString(),
      '2021-10-18T07:00:00.000Z',
      '09:00 summer time in Stockholm',
    );
    assert.equal(example.clockStart.byDefault, true);
    assert.equal(loadConfig({ CLOCK_START: 'off' }).clockStart, undefined);
    assert.equal(loadConfig({ NODE_ENV: 'test' }).clockStart, undefined);
    assert.equal(loadConfig({ AGREEMENT_FILE: 'agreements/vasby-2023.yaml' }).clockStart, undefined);
    const chosen = loadConfig({
      AGREEMENT_FILE: 'agreements/vasby-2023.yaml',
      CLOCK_START: '2023-02-06T08:30',
    });
    assert.equal(chosen.clockStart?.at.toISOString(), '2023-02-06T07:30:00.000Z');
    assert.equal(chosen.clockStart.byDefault, false);
  });

  it('compares tenant ids without regard to case', () => {
    const config = loadConfig({ ALLOWED_TENANT_IDS: 'ABCDEF12-3456-7890-ABCD-EF1234567890' });
    assert.deepEqual(config.allowedTenantIds, ['abcdef12-3456-7890-abcd-ef1234567890']);
  });

  it('runs 16 scheduled jobs at once unless SCHEDULER_CONCURRENCY says otherwise (1 to 64)', () => {
    assert.equal(loadConfig({}).schedulerConcurrency, 16);
    assert.equal(loadConfig({ SCHEDULER_CONCURRENCY: '1' }).schedulerConcurrency, 1);
    for (const wrong of ['0', '65', '2.5', 'many']) {
      assert.throws(
        () => loadConfig({ SCHEDULER_CONCURRENCY: wrong }),
        (err) =>
          err instanceof ConfigError &&
          err.message.startsWith('Invalid configuration: SCHEDULER_CONCURRENCY '),
      );
    }
  });

  it('takes a user-assigned managed identity bot with a storage account URL and no password', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      MicrosoftAppId: appId,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: tenant,
      STORAGE_ACCOUNT_URL: 'https://vasby.table.core.windows.net',
      ALLOWED_TENANT_IDS: tenant,
    });
    assert.deepEqual(config.storage, { kind: 'accountUrl', url: 'https://vasby.table.core.windows.net' });
    assert.equal(config.bot.appType, 'UserAssignedMSI');
  });

  it('keeps reports unless a retention period is set, and archives under DATA_DIR unless told otherwise', () => {
    assert.deepEqual(loadConfig({}).retention, { archiveDir: '.data/archive' });
    assert.deepEqual(loadConfig({ REPORT_RETENTION_MONTHS: '', DATA_DIR: '/srv/bot' }).retention, {
      archiveDir: '/srv/bot/archive',
    });
    assert.deepEqual(loadConfig({ REPORT_RETENTION_MONTHS: ' 24 ', ARCHIVE_DIR: '/mnt/arkiv' }).retention, {
      months: 24,
      archiveDir: '/mnt/arkiv',
    });
  });

  it('gives the tab the domain its tokens name, in lower case, and Microsoft’s Entra ID unless told otherwise', () => {
    assert.deepEqual(loadConfig({}).tab, {});
    assert.deepEqual(loadConfig({ BOT_DOMAIN: 'Samverkansbot.Example.se' }).tab, {
      domain: 'samverkansbot.example.se',
    });
    assert.deepEqual(loadConfig({ ENTRA_AUTHORITY: 'http://127.0.0.1:4000' }).tab, {
      authority: 'http://127.0.0.1:4000',
    });
  });

  it('sends telemetry only with an Application Insights connection string', () => {
    assert.equal(loadConfig({}).telemetry, undefined);
    assert.equal(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: ' ' }).telemetry, undefined);
    const connectionString =
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/';
    assert.deepEqual(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }).telemetry, {
      connectionString,
    });
  });

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['a port that is not a number', { PORT: 'abc' }, /^Invalid configuration: PORT /],
    [
      'an Application Insights setting that is not a connection string',
      { APPLICATIONINSIGHTS_CONNECTION_STRING: 'https://dc.services.visualstudio.com' },
      /^Invalid configuration: APPLICATIONINSIGHTS_CONNECTION_STRING must be like InstrumentationKey=/,
    ],
    [
      'an app id that is not a GUID',
      { MicrosoftAppId: 'bot' },
      /^Invalid configuration: MicrosoftAppId must be a GUID/,
    ],
    ['an unknown app type', { MicrosoftAppType: 'Classic' }, /^Invalid configuration: MicrosoftAppType /],
    [
      'a single-tenant bot without its tenant',
      { MicrosoftAppId: appId, MicrosoftAppPassword: 'x' },
      /^Invalid configuration: MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant/,
    ],
    ['an unknown locale', { DEFAULT_LOCALE: 'de' }, /^Invalid configuration: DEFAULT_LOCALE /],
    [
      'an unknown time zone',
      { TIME_ZONE: 'Europe/Sthlm' },
      /^Invalid configuration: TIME_ZONE must be an IANA/,
    ],
    [
      'a tenant list with a typo',
      { ALLOWED_TENANT_IDS: `${tenant},abc` },
      /^Invalid configuration: ALLOWED_TENANT_IDS\.1 /,
    ],
    [
      'production without an app id (anonymous)',
      { NODE_ENV: 'production', STORAGE_CONNECTION_STRING: 'x', ALLOWED_TENANT_IDS: tenant },
      /^Invalid configuration: MicrosoftAppId is required in production/,
    ],
    [
      'production on embedded Azurite',
      {
        NODE_ENV: 'production',
        MicrosoftAppId: appId,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: tenant,
      },
      /^Invalid configuration: STORAGE_CONNECTION_STRING is required in production/,
    ],
    [
      'both storage settings',
      { STORAGE_CONNECTION_STRING: 'x', STORAGE_ACCOUNT_URL: 'https://a.table.core.windows.net' },
      /^Invalid configuration: STORAGE_ACCOUNT_URL set either/,
    ],
    [
      'a started clock in production',
      { ...production, CLOCK_START: '2021-10-18T09:00' },
      /^Invalid configuration: CLOCK_START is not allowed in production/,
    ],
    [
      'a tab domain with a scheme',
      { BOT_DOMAIN: 'https://samverkansbot.example.se/tab' },
      /^Invalid configuration: BOT_DOMAIN must be a host name such as samverkansbot\.example\.se/,
    ],
    [
      'Entra ID keys read over http in production',
      { ...production, ENTRA_AUTHORITY: 'http://login.example.se' },
      /^Invalid configuration: ENTRA_AUTHORITY must use https in production/,
    ],
    [
      'a clock start that is not a time',
      { CLOCK_START: 'måndag' },
      /^Invalid configuration: CLOCK_START must be like/,
    ],
    [
      'a clock start in the hour that daylight saving time skips',
      { CLOCK_START: '2021-03-28T02:30' },
      /^Invalid configuration: CLOCK_START is not a time that exists/,
    ],
    [
      'a retention period of no months',
      { REPORT_RETENTION_MONTHS: '0' },
      /^Invalid configuration: REPORT_RETENTION_MONTHS must be 1 to 240 months/,
    ],
    [
      'a retention period over 20 years',
      { REPORT_RETENTION_MONTHS: '241' },
      /^Invalid configuration: REPORT_RETENTION_MONTHS must be 1 to 240 months/,
    ],
    [
      'a retention period that is not a whole number of months',
      { REPORT_RETENTION_MONTHS: '2 år' },
      /^Invalid configuration: REPORT_RETENTION_MONTHS must be a whole number of months/,
    ],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}, naming the setting`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('stops `npm start` on a bad setting with one line and exit code 2, no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.equal(result.status, 2);
    const lines = result.stderr.trim().split('\n');
    assert.deepEqual(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /^Invalid configuration: PORT /);
    assert.doesNotMatch(result.stderr, /\bat \w+ \(/);
  });
});
