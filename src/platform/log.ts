import { AsyncLocalStorage } from 'node:async_hooks';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { multistream, pino } from 'pino';

/**
 * Structured logging: one JSON line per event, written by pino. Logs carry ids and kinds of events, never what a
 * person wrote in a report nor their name. Each line tells the turn or job it was written in (`withLogContext`),
 * and an error line where in the code it happened (`describeError`'s stack).
 *
 * `{"level":"info","time":"…","event":"command","kind":"help","activityId":"…","conversationId":"…"}`
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** What ties a line to the turn (a Teams activity) or the job it belongs to. */
export type LogContext = TurnIds | JobIds;

interface TurnIds {
  /** The activity's own id; Teams leaves it out of some activities. */
  activityId?: string;
  conversationId: string;
  /** The agreement the turn is about, once the Teams edge has found it. */
  agreementId?: string;
}

interface JobIds {
  jobId: string;
  jobKind: string;
  /** The agreement the job was planned for, when the deployment serves several. */
  agreementId?: string;
}

const correlation = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with `ids` on every line it logs, in whatever it awaits or starts. A job run from a turn's tick
 * gets its own ids instead of the turn's: the ids of the innermost call hold.
 */
export function withLogContext<T>(ids: LogContext, work: () => T): T {
  return correlation.run(ids, work);
}

/** The agreement the turn running now is about: on its lines from here on (a job's names its own when it starts). */
export function noteTurnAgreement(agreementId: string): void {
  const ids = correlation.getStore();
  if (ids && 'conversationId' in ids) ids.agreementId = agreementId;
}

/**
 * Fields that would carry what a person wrote, who they are, or a credential. No call site logs them; should one
 * slip into a line (at the top or one level down, as in `reportedBy.name`), its value is replaced.
 */
const personalOrSecret = [
  'text',
  'narrative',
  'name',
  'displayName',
  'email',
  'userPrincipalName',
  'authorization',
  'token',
  'password',
  'secret',
  'appPassword',
  'connectionString',
];

const logger = pino(
  {
    level: 'info',
    // No pid and hostname: the line says what happened, App Service says on which instance.
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: personalOrSecret.flatMap((key) => [key, `*.${key}`]), censor: '[redacted]' },
    mixin: () => ({ ...correlation.getStore(), ...traceOf() }),
    // The event and its fields first, the ids of the turn or job after them.
    mixinMergeStrategy: (fields, ids) => ({ ...fields, ...ids }),
  },
  // Through process.stdout and process.stderr, as console.log is, so that lines and the start banner keep their
  // order and a line written just before process.exit is not lost.
  multistream(
    [
      { level: 'debug', stream: { write: (line: string) => process.stdout.write(line) } },
      { level: 'warn', stream: { write: (line: string) => process.stderr.write(line) } },
    ],
    { dedupe: true },
  ),
);

export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

function write(level: Exclude<LogLevel, 'silent'>, event: string, fields: Record<string, unknown>): void {
  if (!logger.isLevelEnabled(level)) return;
  // A stack trace on error lines only: a warning (a refused token, a storage hiccup) is expected, and its event
  // says where it comes from.
  const { stack, ...rest } = fields;
  logger[level]({ event, ...rest, ...(level === 'error' && stack !== undefined ? { stack } : {}) });
}

/**
 * The trace and span (a turn, a job) a line is written in, so that it can be found beside them in Application
 * Insights; nothing without telemetry, or outside a span.
 */
function traceOf(): { traceId?: string; spanId?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

export const log = {
  debug: (event: string, fields: Record<string, unknown> = {}) => write('debug', event, fields),
  info: (event: string, fields: Record<string, unknown> = {}) => write('info', event, fields),
  warn: (event: string, fields: Record<string, unknown> = {}) => write('warn', event, fields),
  error: (event: string, fields: Record<string, unknown> = {}) => write('error', event, fields),
};

/**
 * A logger for restify, which writes lines of its own in rare cases (one of them with the whole request, its
 * Authorization header included): the same lines as ours, a request reduced to its method and path.
 */
export function restifyLogger() {
  return logger.child(
    { component: 'restify' },
    {
      serializers: {
        req: (req: { method?: string; url?: string }) => ({
          method: req?.method,
          path: String(req?.url ?? '').split('?')[0],
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res?.statusCode }),
        err: (err: unknown) => {
          const { stack: _stack, ...fields } = describeError(err);
          return fields;
        },
      },
    },
  );
}

/**
 * The parts of an error worth logging: its name, message, HTTP status and stack (written on error lines only).
 * Never a full request or response, which could carry a report's text or a token.
 */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const status = (err as { statusCode?: unknown }).statusCode;
    return {
      error: err.name,
      message: err.message,
      ...(typeof status === 'number' ? { statusCode: status } : {}),
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  return { error: String(err) };
}
