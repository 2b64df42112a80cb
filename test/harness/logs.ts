import { setLogLevel, type LogLevel } from '../../src/platform/log.js';

export interface LogLine {
  level: string;
  event: string;
  [field: string]: unknown;
}

/**
 * The bot's log lines at `level` and above while `run` runs, read from stdout and stderr as an operator would
 * read them (the harness keeps logs quiet otherwise). Anything else written meanwhile passes through.
 */
export async function logsDuring(run: () => Promise<void>, level: LogLevel = 'warn'): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    const write = writes[i] as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (!text.startsWith('{"level":')) return write(chunk, ...rest);
      lines.push(JSON.parse(text) as LogLine);
      return true;
    }) as typeof stream.write;
  });
  setLogLevel(level);
  try {
    await run();
  } finally {
    // Back to what the harness chose.
    setLogLevel((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'silent');
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
  }
  return lines;
}

/**
 * Everything written to stdout and stderr while `run` runs: the bot's log lines at `level` and above, and any
 * other output (what a library prints past the logger), as an operator would see it.
 */
export async function outputDuring(
  run: () => Promise<void>,
  level: LogLevel = 'warn',
): Promise<{ lines: LogLine[]; other: string }> {
  let other = '';
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream) => {
    stream.write = ((chunk: string | Uint8Array) => {
      other += String(chunk);
      return true;
    }) as typeof stream.write;
  });
  try {
    const lines = await logsDuring(run, level);
    return { lines, other };
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
  }
}
