import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bots under test, each in a process of its own so that its memory and CPU time are its own. The bot runs
 * compiled (`dist/`, what `npm run serve` and App Service run) on plain node, with the Node flags of the `serve`
 * script; under tsx it would carry tsx's loader thread and compiler too (about 50 MB). The echo bot runs under
 * tsx, which costs it nothing per request.
 */
export interface BenchProcess {
  url: string;
  pid: number;
  /** Resident memory now and at its peak so far (VmRSS, VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /** What the process's V8 says it holds (heap, external, array buffers); the bot only. */
  memoryUsage(): Promise<NodeJS.MemoryUsage | undefined>;
  /** Samples the resident memory every 20 ms until `stop()`, which gives the largest seen. */
  sampleMemory(): { stop(): number };
  stop(): Promise<void>;
}

export interface BotSettings {
  env: Record<string, string>;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The bot's clock starts here (epoch ms) and then runs in real time: office hours on a working day. */
  clockStartsAt: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = (path: string) => JSON.stringify(new URL(`../../dist/${path}`, import.meta.url).href);

/** Starts the compiled bot (`tsc -p .` first) the way src/index.ts does, with the benchmark's clock. */
export function startBotProcess(settings: BotSettings, options: { cpuProfileDir?: string } = {}) {
  const script = `
    const settings = JSON.parse(process.argv[1]);
    const { setLogLevel } = await import(${dist('platform/log.js')});
    const { loadConfig } = await import(${dist('config/env.js')});
    const { startApp } = await import(${dist('app.js')});
    setLogLevel(settings.logLevel);
    const startedAt = Date.now();
    const app = await startApp(loadConfig(settings.env), {
      now: () => new Date(settings.clockStartsAt + (Date.now() - startedAt)),
    });
    const stop = () => void app.close().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
    process.on('message', (message) => {
      if (message === 'memoryUsage') process.send({ memoryUsage: process.memoryUsage() });
    });
    process.send({ started: app.url });
  `;
  const flags = botNodeFlags();
  return start(
    'bot',
    [...flags, '--input-type=module', '-e', script, '--', JSON.stringify(settings)],
    options,
  );
}

/**
 * The Node flags the bot runs with: those of `npm run serve` (package.json), unless BENCH_BOT_NODE_FLAGS is set,
 * which replaces them (empty: none), e.g. BENCH_BOT_NODE_FLAGS=--max-old-space-size=96 to see what another heap
 * does to memory and speed.
 */
export function botNodeFlags(): string[] {
  const given = process.env.BENCH_BOT_NODE_FLAGS;
  if (given !== undefined) return given.split(' ').filter((flag) => flag !== '');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const serve = manifest.scripts?.serve ?? '';
  const words = serve.split(/\s+/).filter((word) => word !== '');
  if (words[0] !== 'node') throw new Error(`The serve script does not start with node: ${serve}`);
  // The flags come between `node` and the script.
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('-')) break;
    flags.push(word);
  }
  return flags;
}

/** Starts `echoServer.ts` under tsx. */
export function startEchoProcess(options: { cpuProfileDir?: string } = {}) {
  const entry = fileURLToPath(new URL('./echoServer.ts', import.meta.url));
  return start('echo', ['--import', 'tsx', entry], options);
}

async function start(
  name: string,
  args: string[],
  options: { cpuProfileDir?: string },
): Promise<BenchProcess> {
  const profiling = options.cpuProfileDir
    ? // One file per thread (tsx's loader has a thread of its own); the main thread's is the largest.
      ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfileDir, name)]
    : [];
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', ...profiling, ...args], {
    cwd: root,
    // Logs go nowhere (reading them would cost this process); warnings and errors are shown.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: { started?: string }) => {
      if (message.started) resolve(message.started.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`The ${name} process exited (${code}) before it started`)));
  });
  const pid = child.pid ?? 0;
  const memory = () => memoryOf(pid);
  return {
    url,
    pid,
    memory,
    memoryUsage: () =>
      new Promise((resolve) => {
        const timeout = setTimeout(() => resolve(undefined), 1_000);
        child.once('message', (message: { memoryUsage?: NodeJS.MemoryUsage }) => {
          clearTimeout(timeout);
          resolve(message.memoryUsage);
        });
        child.send('memoryUsage');
      }),
    sampleMemory() {
      let peak = memory().rss;
      const timer = setInterval(() => {
        peak = Math.max(peak, memory().rss);
      }, 20);
      return {
        stop() {
          clearInterval(timer);
          return Math.max(peak, memory().rss);
        },
      };
    },
    stop: () => stopChild(child, exited),
  };
}

function memoryOf(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
  } catch {
    // The process has gone, or this is not Linux.
    return { rss: 0, peak: 0 };
  }
}

/** CPU time (user + system) a process has used so far, in ms; 0 where /proc is not there. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux that Node runs on.
    return ticks * 10;
  } catch {
    return 0;
  }
}

/** The process of the Azurite table service listening on `port`, found by its command line. */
export function azuritePid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('--tablePort');
      if (at >= 0 && args[at + 1] === String(port)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return 0;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}
