import {
  context,
  diag,
  DiagLogLevel,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Counter,
  type Histogram,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';
import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { log } from './log.js';

/**
 * Telemetry: traces and metrics to Application Insights through OpenTelemetry, only with
 * APPLICATIONINSIGHTS_CONNECTION_STRING set. Without it nothing is loaded but `@opentelemetry/api`, whose spans
 * and instruments do nothing until an SDK is registered.
 *
 * What is recorded are ids and kinds: the activity type, the command kind or card verb, the agreement id, the job
 * kind, outcomes and counts. Never what a person wrote, a name, an aadObjectId or a conversation id, which would
 * point at a person: the addresses the instrumentations record are cut down to their fixed parts
 * (`withoutPersonalData`).
 */
const scope = 'samverkansbot';

/**
 * Starts the Azure Monitor OpenTelemetry distro. Call it before the app is imported: its instrumentations hook
 * the modules as they are loaded (the Azure SDK's storage and Bot Connector calls become dependencies). `stop`
 * sends what is still batched.
 */
export async function startTelemetry(connectionString: string): Promise<{ stop(): Promise<void> }> {
  const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  const { getLogLevel, setLogLevel } = await import('@azure/logger');
  // Incoming requests only (they record neither bodies nor headers): every outgoing call, to Table Storage and to
  // the Bot Connector, goes through the Azure SDK's pipeline, whose instrumentation records it already.
  const http = { enabled: true, disableOutgoingRequestInstrumentation: true };
  const options: AzureMonitorOpenTelemetryOptions = {
    azureMonitorExporterOptions: { connectionString },
    instrumentationOptions: { http, azureSdk: { enabled: true } },
    // Every turn and job: the distro's default keeps at most 5 traces a second, which a round's cards exceed at
    // once. A bot's volume is small; OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG can still lower it.
    samplingRatio: 1,
    tracesPerSecond: 0,
    // Live Metrics streams single requests and exceptions past sampling; what is listed above is enough.
    enableLiveMetrics: false,
    spanProcessors: [withoutPersonalData],
  };
  const azureLogLevel = getLogLevel();
  useAzureMonitor(options);
  // The distro turns the Azure SDK's own log on at `warning`, in plain lines on the console: back to what it was
  // (AZURE_LOG_LEVEL, off by default). Its own problems (an export that failed) become warn lines of the log.
  setLogLevel(azureLogLevel);
  diag.setLogger(telemetryProblems, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return {
    // Sends what is still batched; a few seconds at most, so that stopping does not wait on an unreachable endpoint.
    stop: () =>
      Promise.race([
        shutdownAzureMonitor().catch(() => {}),
        new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref()),
      ]),
  };
}

/**
 * OpenTelemetry's and the exporter's warnings (an export that failed), as one JSON line each: the message only,
 * not what came with it. Those the distro's own logger drops are dropped too: the resource attributes that the
 * standard metrics read before the cloud detectors have answered, many times at start.
 */
const telemetryProblems = (() => {
  const warn = (message: string) => {
    if (/async attributes|resource attributes|unsettled resource attribute/i.test(message)) return;
    log.warn('telemetry.problem', { message: message.slice(0, 300) });
  };
  return { error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} };
})();

type SpanProcessor = NonNullable<AzureMonitorOpenTelemetryOptions['spanProcessors']>[number];

/** Attributes in which the http and Azure SDK instrumentations record the address of a request. */
const addressAttributes = ['http.url', 'url.full', 'http.target', 'url.path', 'url.query'];

/**
 * A span processor that cuts the addresses of requests down to their fixed parts just before a span ends, before
 * any exporter sees it: Table Storage keys (an aadObjectId, a job id naming a person) become `(:key)`, Bot Connector
 * conversation and activity ids `:id`, and query strings (table filters) go.
 * `GET https://account.table.core.windows.net/conversations(PartitionKey='personal',RowKey='<aadObjectId>')`
 * is recorded as `GET https://account.table.core.windows.net/conversations(:key)`.
 */
export const withoutPersonalData: SpanProcessor = {
  onStart: () => {},
  onEnding: (span) => {
    for (const key of addressAttributes) {
      const value = span.attributes[key];
      if (typeof value === 'string') span.setAttribute(key, key === 'url.query' ? '' : withoutIds(value));
    }
  },
  onEnd: () => {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** An address (absolute, or a path) with only its origin and the path's words kept. */
export function withoutIds(address: string): string {
  const [beforeQuery = ''] = address.split(/[?#]/, 1);
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(beforeQuery)?.[0] ?? '';
  const path = beforeQuery
    .slice(origin.length)
    .split('/')
    .map((segment) => {
      let text = segment;
      try {
        text = decodeURIComponent(segment);
      } catch {
        // Not valid percent-encoding: judged as it is.
      }
      const table = /^([A-Za-z][A-Za-z0-9]*)\(.*\)$/.exec(text);
      if (table) return `${table[1]}(:key)`;
      // Words such as v3, conversations, activities, Tables, $batch; every id has a digit first or inside, or a sign.
      return text === '' || /^\$?[A-Za-z]+\d*$/.test(text) ? text : ':id';
    })
    .join('/');
  return origin + path;
}

/** Values a span or metric may carry: ids and kinds, never a person's text, name or aadObjectId. */
export type IdsAndKinds = Record<string, string | number | boolean>;

interface SpanState {
  outcome: string;
  failed: boolean;
}

const states = new WeakMap<Span, SpanState>();

/**
 * Runs `work` in a span named `name` (a turn, a job). The span ends with `outcome` `ok` and status OK, or what
 * `noteOutcome` said inside it, or `error` and status ERROR with the error's name (not its message) when `work`
 * throws. A `root` span starts a trace of its own, e.g. a job run by a tick that a turn happened to start.
 */
export function inSpan<T>(
  name: string,
  attributes: IdsAndKinds,
  work: () => Promise<T>,
  options: { root?: boolean; kind?: 'internal' | 'consumer' } = {},
): Promise<T> {
  const kind = options.kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.INTERNAL;
  return trace
    .getTracer(scope)
    .startActiveSpan(name, { attributes, kind, root: options.root ?? false }, async (span) => {
      const state: SpanState = { outcome: 'ok', failed: false };
      states.set(span, state);
      try {
        const result = await work();
        span.setAttribute('outcome', state.outcome);
        span.setStatus({ code: state.failed ? SpanStatusCode.ERROR : SpanStatusCode.OK });
        return result;
      } catch (err) {
        const type = err instanceof Error ? err.name : typeof err;
        span.setAttributes({ outcome: 'error', 'error.type': type });
        span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        throw err;
      } finally {
        span.end();
      }
    });
}

/** Adds ids and kinds to the span of the turn or job running now (nothing when there is none). */
export function noteSpan(attributes: IdsAndKinds): void {
  trace.getSpan(context.active())?.setAttributes(attributes);
}

/** How the turn or job running now ended, when not simply `ok`; `failed` marks its span as an error. */
export function noteOutcome(outcome: string, failed = false): void {
  const span = trace.getSpan(context.active());
  const state = span ? states.get(span) : undefined;
  if (state) {
    state.outcome = outcome;
    state.failed = failed;
  }
}

interface Instruments {
  provider: MeterProvider;
  reportsSaved: Counter;
  cardsSent: Counter;
  sendsThrottled: Counter;
  jobLateness: Histogram;
}

let instruments: Instruments | undefined;

/**
 * The instruments of the meter provider registered now. Made again when it changes: an instrument made before
 * an SDK was registered stays a no-op for good.
 */
function current(): Instruments {
  const provider = metrics.getMeterProvider();
  if (instruments?.provider === provider) return instruments;
  const meter = provider.getMeter(scope);
  instruments = {
    provider,
    reportsSaved: meter.createCounter('reports.saved', {
      description: 'Check-in reports saved (a form sent again unchanged is not counted)',
    }),
    cardsSent: meter.createCounter('cards.sent', {
      description: 'Cards the bot posted on its own: check-ins, reminders, summaries',
    }),
    sendsThrottled: meter.createCounter('sends.throttled', {
      description: 'Sends Teams answered with 429 Too Many Requests (each is retried after Retry-After)',
    }),
    jobLateness: meter.createHistogram('jobs.lateness', {
      description: 'Time from when a job was due to when it ran',
      unit: 'ms',
    }),
  };
  return instruments;
}

export function countReportSaved(agreementId: string): void {
  current().reportsSaved.add(1, { 'agreement.id': agreementId });
}

/** `to`: a new channel thread, a reply in one, or a person's chat. */
export function countCardSent(to: 'channel' | 'thread' | 'person'): void {
  current().cardsSent.add(1, { to });
}

export function countThrottledSend(): void {
  current().sendsThrottled.add(1);
}

export function recordJobLateness(jobKind: string, latenessMs: number): void {
  current().jobLateness.record(Math.max(0, latenessMs), { 'job.kind': jobKind });
}
