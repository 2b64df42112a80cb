import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { playgroundArgs } from '../../src/tools/playground.js';
import { Child } from './childProcess.js';
import { waitForHttp } from './ports.js';

export interface PlaygroundProcess {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * Starts Microsoft 365 Agents Playground against the bot, as `npm run playground` does (offline, msteams channel),
 * on `port`. The playground opens a browser with xdg-open when it starts: a stand-in xdg-open that opens nothing is
 * put first on its PATH, as src/tools/playground.ts does on machines without one. Resolves once its page answers.
 */
export async function startPlayground(options: {
  botEndpoint: string;
  port: number;
  logFile: string;
  playgroundLogFile: string;
}): Promise<PlaygroundProcess> {
  const shimDir = mkdtempSync(path.join(os.tmpdir(), 'samverkansbot-e2e-open-'));
  writeFileSync(
    path.join(shimDir, 'xdg-open'),
    '#!/bin/sh\n# Stand-in written by test/e2e: open nothing.\nexit 0\n',
    {
      mode: 0o755,
    },
  );
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const args = playgroundArgs({
    botEndpoint: options.botEndpoint,
    playgroundPort: options.port,
    logFile: options.playgroundLogFile,
  });
  const child = Child.start('Agents Playground', process.execPath, [cli, ...args], {
    env: {
      ...process.env,
      PATH: [shimDir, process.env.PATH].filter(Boolean).join(path.delimiter),
      M365_AGENTS_PLAYGROUND_LOGFILE: options.playgroundLogFile,
    },
    logFile: options.logFile,
  });
  const stop = async () => {
    await child.stop();
    rmSync(shimDir, { recursive: true, force: true });
  };
  try {
    // It falls back to a random port when the one asked for is taken, and says which it chose.
    const line = await child.waitForLine(/Listening on \d+/, 60_000);
    const port = Number(/Listening on (\d+)/.exec(line)?.[1]);
    const url = `http://localhost:${port}`;
    await waitForHttp(url, 30_000, () => child.running);
    return { url, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
