/**
 * Starts Microsoft 365 Agents Playground against the locally running bot:
 *
 *   npm start            # the bot, on http://localhost:${PORT:-3978}/api/messages
 *   npm run playground   # the playground, on http://localhost:${PLAYGROUND_PORT:-56150}
 *
 * The playground runs offline (telemetry off) and emulates the msteams channel. It opens a browser with
 * xdg-open on Linux and dies if there is none (containers, SSH sessions); then a stand-in xdg-open is put on
 * the child's PATH that just hands the URL back to this script, which prints it.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isMainModule } from '../platform/mainModule.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a port number`)
    .min(1, `${name} must be a port number`)
    .max(65535, `${name} must be a port number`)
    .default(fallback);

const envSchema = z.object({
  PORT: port('PORT', 3978),
  PLAYGROUND_PORT: port('PLAYGROUND_PORT', 56150),
  DATA_DIR: z.string().trim().min(1).default('.data'),
});

export interface PlaygroundSettings {
  botEndpoint: string;
  playgroundPort: number;
  logFile: string;
}

/** Reads PORT (the bot's), PLAYGROUND_PORT and DATA_DIR (for the playground's log file). */
export function playgroundSettings(env: NodeJS.ProcessEnv = process.env): PlaygroundSettings {
  const blank = (v: string | undefined) => (v?.trim() ? v : undefined);
  const parsed = envSchema.safeParse({
    PORT: blank(env.PORT),
    PLAYGROUND_PORT: blank(env.PLAYGROUND_PORT),
    DATA_DIR: blank(env.DATA_DIR),
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  }
  return {
    botEndpoint: `http://localhost:${parsed.data.PORT}/api/messages`,
    playgroundPort: parsed.data.PLAYGROUND_PORT,
    logFile: path.resolve(repoRoot, parsed.data.DATA_DIR, 'agentsplayground.log'),
  };
}

export function playgroundArgs(settings: PlaygroundSettings): string[] {
  return [
    '--app-endpoint',
    settings.botEndpoint,
    '--channel-id',
    'msteams',
    '--port',
    String(settings.playgroundPort),
    '--disable-telemetry',
  ];
}

/** Whether an executable of that name is on PATH. */
export function onPath(command: string, pathValue: string | undefined = process.env.PATH): boolean {
  for (const dir of (pathValue ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

interface OpenShim {
  dir: string;
  /** URLs the playground asked to open, one a line. */
  urlFile: string;
  remove(): void;
}

/** A directory with an `xdg-open` that writes its argument to a file instead of opening a browser. */
function createOpenShim(): OpenShim {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samverkansbot-playground-'));
  const urlFile = path.join(dir, 'opened-urls');
  const quoted = `'${urlFile.replaceAll("'", `'\\''`)}'`;
  writeFileSync(
    path.join(dir, 'xdg-open'),
    `#!/bin/sh\n# Stand-in for xdg-open written by src/tools/playground.ts: record the URL, open nothing.\nprintf '%s\\n' "$*" >> ${quoted}\nexit 0\n`,
    { mode: 0o755 },
  );
  return { dir, urlFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The first line of a file, or undefined while the file is missing or empty. */
function firstLine(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

function playgroundCli(): string {
  return createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
}

async function main(): Promise<number> {
  let settings: PlaygroundSettings;
  try {
    settings = playgroundSettings();
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  mkdirSync(path.dirname(settings.logFile), { recursive: true });
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    M365_AGENTS_PLAYGROUND_LOGFILE: process.env.M365_AGENTS_PLAYGROUND_LOGFILE ?? settings.logFile,
  };

  const needsShim = process.platform !== 'win32' && process.platform !== 'darwin' && !onPath('xdg-open');
  const shim = needsShim ? createOpenShim() : undefined;
  if (shim) childEnv.PATH = [shim.dir, process.env.PATH].filter(Boolean).join(path.delimiter);

  console.log(`Agents Playground for the bot at ${settings.botEndpoint} (start the bot with npm start).`);
  if (process.env.MicrosoftAppId?.trim()) {
    console.log(
      'Note: MicrosoftAppId is set. A bot started with it expects Bot Framework tokens, which the playground ' +
        'does not send offline; start the bot without MicrosoftAppId for local testing.',
    );
  }

  const child = spawn(process.execPath, [playgroundCli(), ...playgroundArgs(settings)], {
    stdio: 'inherit',
    env: childEnv,
  });

  let urlWatch: NodeJS.Timeout | undefined;
  if (shim) {
    urlWatch = setInterval(() => {
      const url = firstLine(shim.urlFile);
      if (url) {
        clearInterval(urlWatch);
        console.log(`No browser to open here: open ${url} yourself.`);
      }
    }, 300);
  }

  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));

  return new Promise((resolve) => {
    const finish = (code: number) => {
      clearInterval(urlWatch);
      shim?.remove();
      resolve(code);
    };
    child.on('error', (e) => {
      console.error(`Could not start Agents Playground: ${e.message}`);
      finish(1);
    });
    child.on('exit', (code, signal) => {
      finish(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

if (isMainModule(import.meta.url)) {
  process.exit(await main());
}
