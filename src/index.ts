import { existsSync } from 'node:fs';
import { FileProblemsError } from './config/agreementFile.js';
import { ConfigError, loadConfig } from './config/env.js';
import { describeError, log, setLogLevel } from './platform/log.js';
import { startTelemetry } from './platform/telemetry.js';

/** The process: read settings, start, print where it listens, stop cleanly on a signal. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  setLogLevel(config.logLevel);
  if (!config.bot.appId) {
    log.warn('auth.anonymous', {
      message: 'MicrosoftAppId is not set: requests are not authenticated. Allowed only outside production.',
    });
  }
  // Telemetry first, and the app imported after it: its instrumentations hook the Azure SDK as it is loaded.
  const telemetry = config.telemetry && (await startTelemetry(config.telemetry.connectionString));
  const { startApp } = await import('./app.js');
  const app = await startApp(config);
  console.log(`Samverkansbot listens on ${app.url}/api/messages`);
  const agreements = app.agreementIds.join(', ');
  console.log(
    `${app.agreementIds.length === 1 ? 'Agreement' : 'Agreements'}: ${agreements} (${config.agreements.path})`,
  );
  console.log(`Storage: ${app.storageDescription}`);
  if (config.clockStart) {
    const why = config.clockStart.byDefault ? 'the example agreement' : 'CLOCK_START';
    console.log(
      `Clock: starts at ${config.clockStart.local} (${config.timeZone}) and runs on from there, set by ${why}; CLOCK_START=off for the real time`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('process.stopping', { signal });
    await app.close();
    await telemetry?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof FileProblemsError) {
    // A person has to fix a setting or a file: one clear message, no stack trace.
    console.error(err.message);
    process.exit(2);
  }
  log.error('process.startFailed', describeError(err));
  process.exit(1);
});
