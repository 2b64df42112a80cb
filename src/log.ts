import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * Structured one-line JSON logging. Logs carry ids and kinds of events, never what a person wrote in a report.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold: LogLevel = 'info';

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(level: Exclude<LogLevel, 'silent'>, event: string, fields: Record<string, unknown>): void {
  if (order[level] < order[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields, ...traceOf() });
  if (level === 'error' || level === 'warn') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
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

/** The parts of an error worth logging: never a full request, which could carry a report's text. */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const status = (err as { statusCode?: unknown }).statusCode;
    return {
      error: err.name,
      message: err.message,
      ...(typeof status === 'number' ? { statusCode: status } : {}),
    };
  }
  return { error: String(err) };
}
