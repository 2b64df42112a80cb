import assert from 'node:assert/strict';
import { openCheckInCard } from '../harness/checkInCard.js';
import { withPackagesRefused } from '../harness/refusedPackages.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as coreTracing from '@azure/core-tracing';
import { AzureSdkInstrumentation } from '@azure/opentelemetry-instrumentation-azure-sdk';
import { context, metrics, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { withoutIds, withoutPersonalData } from '../../src/platform/telemetry.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { keyOf } from '../../src/storage/tableStore.js';
import {
  cardAction,
  channelMessage,
  newChannel,
  personalMessage,
  users,
  type TeamsUser,
} from '../harness/activities.js';
import { cardText } from '../harness/connector.js';
import { logsDuring } from '../harness/logs.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';

describe('telemetry: spans and metrics, with ids and kinds only', () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    // The bot's own processor first, as startTelemetry gives it to the distro: what is exported is what is left.
    spanProcessors: [withoutPersonalData, new SimpleSpanProcessor(spans)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 }),
    ],
  });
  // What the distro turns on (azureSdk: enabled): the Azure SDK's calls, storage and Bot Connector, as spans. Its
  // hook patches @azure/core-tracing when it is loaded, which the app has done already here, so it is patched
  // by hand (core-tracing keeps one instrumenter for its CommonJS and ESM builds).
  const azureSdk = new AzureSdkInstrumentation();
  let bot: TestBot;
  const channel = newChannel();
  const narrative = 'Ordningsvakterna såg Kalle Anka vid stationen, se anteckning 7731.';

  before(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    for (const definition of azureSdk.getModuleDefinitions()) definition.patch?.(coreTracing);
    bot = await startTestBot({
      env: {
        JOBS_TRIGGER_SECRET: 'telemetry-test-secret-0123',
        SCHEDULER_INTERVAL_SECONDS: '0',
        AUTOMATIC_ROUNDS: 'off',
        STEERING_NOTICES: 'off',
      },
      now: () => new Date('2021-09-07T08:00:00Z'),
    });
  });

  after(async () => {
    await bot.close();
    azureSdk.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    // Other suites get the API's no-ops again; the patched core-tracing then makes no-op spans too.
    trace.disable();
    metrics.disable();
    context.disable();
  });

  const openCard = (measureId: string, from: TeamsUser) => openCheckInCard(bot, channel, measureId, from);

  it('records turns, jobs, storage and Bot Connector calls, and counts reports, cards, 429s and lateness', async () => {
    const serviceUrl = bot.connector.serviceUrl;
    await bot.post(channelMessage('koppla est-strategisk', channel, { serviceUrl }));
    // Teams throttles the first check-in card once: it is sent again after Retry-After, and counted.
    let throttled = false;
    const stopThrottling = bot.connector.failWhen(
      (request) => request.kind === 'createConversation' && !throttled && (throttled = true),
      { status: 429, retryAfterSeconds: 0 },
    );
    await bot.post(channelMessage('ny runda september', channel, { serviceUrl }));
    await bot.connector.waitFor((sent) => sent.filter((s) => s.kind === 'createConversation').length === 9);
    stopThrottling();
    await bot.runJobs();
    const { where, data } = await openCard('1.3', users.megan);
    const saved = await bot.post(
      cardAction('checkIn.submit', { ...data, status: 'atRisk', narrative }, where, {
        serviceUrl,
        from: users.megan,
      }),
    );
    assert.match(cardText((JSON.parse(saved.body) as { value: unknown }).value).join('\n'), /Sparat\. Tack!/);
    // And in her personal chat, whose id and table key are her aadObjectId.
    await bot.post(personalMessage('mina', { serviceUrl, from: users.megan }));
    await tracerProvider.forceFlush();
    await meterProvider.forceFlush();
    const finished = spans.getFinishedSpans();

    // A span per turn: the activity type, the command kind or card verb, the agreement, the outcome.
    const turns = finished.filter((s) => s.name === 'turn');
    assert.deepEqual(
      turns.map((s) => [s.attributes['activity.type'], s.attributes.command ?? s.attributes.cardAction]),
      [
        ['message', 'bind'],
        ['message', 'openRound'],
        ['invoke', 'checkIn.refresh'],
        ['invoke', 'checkIn.submit'],
        ['message', 'mine'],
      ],
    );
    for (const turn of turns) {
      assert.equal(turn.attributes['agreement.id'], agreementId);
      assert.equal(turn.attributes.outcome, 'ok');
      assert.equal(turn.status.code, 1, 'status OK');
    }

    // A span per job, each a trace of its own: its kind and how it ended.
    const jobs = finished.filter((s) => s.name === 'job');
    const kinds = new Map<string, number>();
    for (const job of jobs)
      kinds.set(String(job.attributes['job.kind']), (kinds.get(String(job.attributes['job.kind'])) ?? 0) + 1);
    assert.ok(jobs.length >= 9, `${jobs.length} jobs: ${JSON.stringify([...kinds])}`);
    for (const job of jobs) {
      assert.equal(job.kind, SpanKind.CONSUMER);
      assert.equal(job.parentSpanContext, undefined, 'a root span');
      assert.equal(job.attributes.outcome, 'done');
    }

    // The Azure SDK's calls as dependencies, inside the turns and jobs: storage, and the Bot Connector.
    const inside = (parents: ReadableSpan[]) => {
      const traces = new Set(parents.map((p) => p.spanContext().traceId));
      return finished.filter((s) => traces.has(s.spanContext().traceId));
    };
    const storage = (s: ReadableSpan) => s.attributes['az.namespace'] === 'Microsoft.Data.Tables';
    const address = (s: ReadableSpan) => String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '');
    assert.ok(inside(turns).some((s) => storage(s) && s.kind === SpanKind.CLIENT));
    assert.ok(inside(jobs).some((s) => storage(s) && s.kind === SpanKind.CLIENT));
    assert.ok(inside(turns).some((s) => s.name.startsWith('TableClient.')));
    const connectorCalls = finished.filter((s) => address(s).startsWith(serviceUrl));
    assert.ok(
      inside(jobs).some((s) => connectorCalls.includes(s)),
      'the cards were sent inside the jobs',
    );
    // Table keys and conversation ids were there, and are cut from the addresses.
    assert.ok(
      finished.some((s) => /\/\w+\(:key\)$/.test(address(s))),
      'a table key was cut',
    );
    assert.ok(connectorCalls.some((s) => address(s).includes('/v3/conversations/:id/activities')));
    assert.ok(
      connectorCalls.some((s) => s.attributes['http.status_code'] === 429),
      'the 429 as a dependency',
    );

    // Metrics: reports saved, cards sent, 429s, how late the jobs ran.
    const collected =
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
    const points = (name: string) => collected.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    const sum = (name: string) => points(name).reduce((n, p) => n + Number(p.value), 0);
    assert.equal(sum('reports.saved'), 1);
    assert.ok(sum('cards.sent') >= 9, `cards.sent ${sum('cards.sent')}`);
    assert.equal(sum('sends.throttled'), 1);
    const lateness = points('jobs.lateness') as DataPoint<Histogram>[];
    assert.equal(
      lateness.reduce((n, p) => n + p.value.count, 0),
      jobs.length,
    );
    assert.deepEqual(new Set(lateness.map((p) => p.attributes['job.kind'])), new Set(kinds.keys()));

    // Nothing a person wrote, no name, no aadObjectId, no personal chat: in no span and no metric.
    const exported = JSON.stringify({
      spans: finished.map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        links: s.links,
        status: s.status,
      })),
      metrics: collected,
    });
    const agreement = await loadAgreementFile('agreements/example.yaml');
    const people = [...peopleIn(agreement), ...Object.values(users)];
    assert.ok(people.length > 3);
    // Words of the narrative, not its number: a random request id may hold any four digits. Table keys are
    // the ids in base64url.
    const secrets = [narrative, 'Ordningsvakterna', 'Kalle Anka', 'stationen', 'anteckning'];
    for (const person of people) secrets.push(person.name, person.aadObjectId, keyOf(person.aadObjectId));
    for (const secret of secrets) assert.ok(!exported.includes(secret), `${secret} in telemetry`);
  });

  it('writes the trace id and span id of the turn in its log lines', async () => {
    spans.reset();
    const lines = await logsDuring(async () => {
      await bot.post(channelMessage('hjälp', channel, { serviceUrl: bot.connector.serviceUrl }));
    }, 'info');
    await tracerProvider.forceFlush();
    const turn = spans.getFinishedSpans().find((s) => s.name === 'turn');
    assert.equal(turn?.attributes.command, 'help');
    const command = lines.find((l) => l.event === 'command');
    assert.deepEqual(
      [command?.traceId, command?.spanId],
      [turn.spanContext().traceId, turn.spanContext().spanId],
    );
  });

  it('cuts ids from the addresses requests are recorded with', () => {
    assert.equal(
      withoutIds(
        "https://acct.table.core.windows.net/languageChoices(PartitionKey='person',RowKey='00000000-0000')?$select=x",
      ),
      'https://acct.table.core.windows.net/languageChoices(:key)',
    );
    assert.equal(
      withoutIds(
        'https://smba.trafficmanager.net/emea/v3/conversations/a%3A1Xyz_9-q/activities/1634567890123',
      ),
      'https://smba.trafficmanager.net/emea/v3/conversations/:id/activities/:id',
    );
    assert.equal(withoutIds('/api/messages'), '/api/messages');
    assert.equal(withoutIds('/devstoreaccount1/Tables'), '/devstoreaccount1/Tables');
    assert.equal(withoutIds('/devstoreaccount1/$batch'), '/devstoreaccount1/$batch');
  });
});

/** Every person named in the agreement file: owners, coordinators, the steering group. */
function peopleIn(value: unknown): Array<{ name: string; aadObjectId: string }> {
  if (Array.isArray(value)) return value.flatMap(peopleIn);
  if (typeof value !== 'object' || value === null) return [];
  const found = Object.values(value).flatMap(peopleIn);
  const { aadObjectId, name } = value as { aadObjectId?: unknown; name?: unknown };
  return typeof aadObjectId === 'string' && typeof name === 'string'
    ? [{ aadObjectId, name }, ...found]
    : found;
}

describe('telemetry off without APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  let azurite: LocalAzurite;
  before(async () => {
    azurite = await startLocalAzurite();
  });
  after(async () => {
    await azurite.stop();
  });

  /** The telemetry SDK's packages: the process is told they cannot be found. */
  const sdk = [
    '@azure/monitor-opentelemetry',
    '@opentelemetry/sdk-node',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/sdk-metrics',
    '@opentelemetry/instrumentation',
  ];

  /** `npm start` until it listens, with the SDK refused; what went wrong, or undefined. */
  function startWithoutSdk(connectionString: string): Promise<string | undefined> {
    const script = withPackagesRefused(sdk, `await import('./src/index.ts');`);
    const root = fileURLToPath(new URL('../../', import.meta.url));
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--disable-warning=DEP0111', '--input-type=module', '-e', script],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            PORT: '0',
            LOG_LEVEL: 'error',
            STORAGE_CONNECTION_STRING: azurite.connectionString,
            SCHEDULER_INTERVAL_SECONDS: '0',
            CLOCK_START: 'off',
            APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      let listening = false;
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('listens on')) return;
        listening = true;
        child.kill('SIGTERM');
      });
      child.on('exit', () =>
        resolve(listening ? undefined : (/refused at start: [^"\s]+/.exec(stderr)?.[0] ?? stderr)),
      );
    });
  }

  it('starts without loading any of it', async () => {
    assert.equal(await startWithoutSdk(''), undefined);
  });

  it('loads the distro when the setting is there (the check above can fail)', async () => {
    const local =
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/';
    assert.equal(await startWithoutSdk(local), 'refused at start: @azure/monitor-opentelemetry');
  });
});
