import path from 'node:path';
import { Child } from './childProcess.js';

export interface BotProcess {
  /** http://localhost:<port>/api/messages */
  endpoint: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * Starts the bot as `npm start` does (tsx on src/index.ts) with its own data folder, so embedded Azurite starts
 * empty, on `port`. Resolves once it prints that it listens.
 */
export async function startBot(options: {
  repoRoot: string;
  port: number;
  dataDir: string;
  logFile: string;
  /** AGREEMENTS_DIR: a folder of agreement files instead of the example agreement. */
  agreementsDir?: string;
  /** CLOCK_START; unset, the bot picks its own clock (the example clock for the example agreement). */
  clockStart?: string;
}): Promise<BotProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(options.port),
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    // What `npm start` gets with no settings: the example agreement, in development (which also gives the example
    // agreement its example clock), embedded Azurite and no authentication. Set here, not left out, so that a
    // developer's .env (read by src/index.ts for anything not already set) cannot point the run elsewhere.
    NODE_ENV: 'development',
    AGREEMENT_FILE: options.agreementsDir ? '' : 'agreements/example.yaml',
    AGREEMENTS_DIR: options.agreementsDir ?? '',
    STORAGE_CONNECTION_STRING: '',
    STORAGE_ACCOUNT_URL: '',
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    MicrosoftAppTenantId: '',
    ALLOWED_TENANT_IDS: '',
    BotOpenIdMetadata: '',
    DEFAULT_LOCALE: 'sv',
  };
  if (options.clockStart) env.CLOCK_START = options.clockStart;
  else delete env.CLOCK_START;
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const child = Child.start(
    'the bot',
    npx,
    ['tsx', '--disable-warning=DEP0111', path.join('src', 'index.ts')],
    {
      cwd: options.repoRoot,
      env,
      logFile: options.logFile,
    },
  );
  try {
    await child.waitForLine(/Samverkansbot listens on/, 90_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    endpoint: `http://localhost:${options.port}/api/messages`,
    child,
    stop: () => child.stop(),
  };
}
