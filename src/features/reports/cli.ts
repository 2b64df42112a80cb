import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { FileProblemsError } from '../../config/agreementFile.js';
import { loadAgreements, type LoadedAgreement } from '../../config/agreementFolder.js';
import { ConfigError, loadConfig, type Config } from '../../config/env.js';
import type { ReportScope } from '../../domain/followUpReport.js';
import { agreementIdSchema } from '../../domain/agreement.js';
import { describeError, log, setLogLevel } from '../../platform/log.js';
import { startLocalAzurite, type LocalAzurite } from '../../storage/localAzurite.js';
import { DecisionRepository } from '../../storage/decisionRepository.js';
import { PlanRepository } from '../../storage/planRepository.js';
import { ReportRepository } from '../../storage/reportRepository.js';
import { ReviewRepository } from '../../storage/reviewRepository.js';
import { RoundRepository } from '../../storage/roundRepository.js';
import { TableStore, type StorageConnection } from '../../storage/tableStore.js';
import { buildFollowUpReport, FollowUpReportError, reportFormats } from './followUpReportFile.js';

/**
 * `npm run report -- [--meeting 2021-06-10 | --until 2021-12-31] [--format docx|md] [--out path]`: writes the
 * written follow-up report (skriftlig uppföljning) from storage and prints the file's path. Without a meeting
 * or a date it reports everything up to today. With AGREEMENTS_DIR holding several agreements, `--agreement <id>`
 * says which. A wrong argument or setting gives one line and exit code 2.
 */

const usage =
  'Usage: npm run report -- [--agreement id] [--meeting YYYY-MM-DD | --until YYYY-MM-DD] [--format docx|md] [--out file-or-folder]';

const isoDate = (option: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `--${option} expects a date as YYYY-MM-DD`)
    .refine((s) => DateTime.fromISO(s).isValid, `--${option} is not a valid calendar date`);

const argsSchema = z
  .strictObject({
    agreement: agreementIdSchema.optional(),
    meeting: isoDate('meeting').optional(),
    until: isoDate('until').optional(),
    format: z.enum(reportFormats, { error: '--format expects docx or md' }).default('docx'),
    out: z.string().trim().min(1, '--out needs a path').optional(),
    help: z.boolean().optional(),
  })
  .refine((a) => !(a.meeting && a.until), '--meeting and --until cannot be combined');
type Args = z.infer<typeof argsSchema>;

/** Thrown with one line for a person: a wrong argument, or a meeting or date the agreement does not have. */
class UsageError extends Error {
  override name = 'UsageError';
}

/** The agreement to report on: the only one loaded, or the one `--agreement` names. */
function chooseAgreement(
  loaded: readonly LoadedAgreement[],
  id: string | undefined,
): LoadedAgreement['agreement'] {
  const ids = loaded.map((l) => l.agreement.id).join(', ');
  if (id === undefined) {
    const [only, ...more] = loaded;
    if (only && more.length === 0) return only.agreement;
    throw new UsageError(`Several agreements are loaded (${ids}): say which with --agreement. ${usage}`);
  }
  const chosen = loaded.find((l) => l.agreement.id === id);
  if (!chosen) throw new UsageError(`No agreement ${id}; the agreements are ${ids}. ${usage}`);
  return chosen.agreement;
}

function parseArguments(argv: string[]): Args {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        agreement: { type: 'string' },
        meeting: { type: 'string' },
        until: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    // Node's messages go on with advice about `--`; the first sentence is the one that helps here.
    const first = (err instanceof Error ? err.message : String(err)).split(/\.\s/)[0] ?? '';
    throw new UsageError(`Invalid argument: ${first.replace(/\.$/, '')}. ${usage}`);
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(
      `Invalid argument: ${parsed.error.issues[0]?.message ?? 'not understood'}. ${usage}`,
    );
  }
  return parsed.data;
}

async function main(argv: string[]): Promise<void> {
  const args = parseArguments(argv);
  if (args.help) {
    console.log(usage);
    return;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  setLogLevel(config.logLevel === 'debug' ? 'debug' : 'warn');
  const agreement = chooseAgreement(await loadAgreements(config.agreements), args.agreement);
  const now = new Date();
  const scope: ReportScope = args.meeting
    ? { kind: 'meeting', date: args.meeting }
    : {
        kind: 'until',
        date: args.until ?? DateTime.fromJSDate(now).setZone(config.timeZone).toISODate() ?? '',
      };

  const storage = await connect(config);
  try {
    const store = new TableStore(storage.connection);
    // Creates only tables that are missing (as every start of the bot does), so a fresh storage reads as empty.
    await store.createTables();
    const file = await buildFollowUpReport(
      {
        plans: new PlanRepository(store),
        reports: new ReportRepository(store),
        rounds: new RoundRepository(store),
        reviews: new ReviewRepository(store),
        decisions: new DecisionRepository(store),
      },
      {
        agreementId: agreement.id,
        scope,
        format: args.format,
        now,
        timeZone: config.timeZone,
        fallbackAgreement: agreement,
      },
    );
    const path = await outputPath(args.out, file.name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
    console.log(path);
  } catch (err) {
    if (err instanceof FollowUpReportError) throw new UsageError(err.message);
    throw err;
  } finally {
    await storage.close();
  }
}

/**
 * The storage to read. Locally, without a storage setting, Azurite is started on a copy of DATA_DIR's data:
 * two Azurite processes on one data file (this one and a running `npm start`) would each save their own
 * picture of it, and a report must never be able to undo what the bot saved.
 */
async function connect(config: Config): Promise<{ connection: StorageConnection; close(): Promise<void> }> {
  switch (config.storage.kind) {
    case 'connectionString':
      return { connection: { connectionString: config.storage.connectionString }, close: async () => {} };
    case 'accountUrl':
      return { connection: { accountUrl: config.storage.url }, close: async () => {} };
    case 'embeddedAzurite': {
      const copy = await mkdtemp(join(tmpdir(), 'samverkan-report-'));
      let azurite: LocalAzurite | undefined;
      try {
        if (existsSync(config.storage.location)) {
          // Azurite writes `name~` and renames it, so the data file itself is always whole.
          await cp(config.storage.location, copy, { recursive: true, filter: (src) => !src.endsWith('~') });
        }
        azurite = await startLocalAzurite({ location: copy });
      } catch (err) {
        await rm(copy, { recursive: true, force: true });
        throw err;
      }
      const running = azurite;
      return {
        connection: { connectionString: running.connectionString },
        close: async () => {
          await running.stop();
          await rm(copy, { recursive: true, force: true });
        },
      };
    }
  }
}

/** `--out` may name the file or a folder to put it in (an existing one, or one written with a trailing slash). */
async function outputPath(out: string | undefined, name: string): Promise<string> {
  if (!out) return resolve('build', name);
  if (out.endsWith('/') || out.endsWith(sep)) return resolve(out, name);
  const existing = await stat(out).catch(() => undefined);
  return existing?.isDirectory() ? resolve(out, name) : resolve(out);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof FileProblemsError) {
      // A person has to fix an argument, a setting or a file: one clear message, no stack trace.
      console.error(err.message);
      process.exit(2);
    }
    log.error('report.failed', describeError(err));
    process.exit(1);
  },
);
