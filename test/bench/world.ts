import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { agreementSchema, type Agreement } from '../../src/domain/agreement.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import {
  channelMessage,
  newChannel,
  personalInstall,
  users,
  type Activity,
  type ChannelPlace,
  type TeamsUser,
} from '../harness/activities.js';
import { startLoopbackConnector, type LoopbackConnector } from '../harness/connector.js';
import { benchAgreement, type PlanShape } from './benchPlan.js';
import { azuritePid, startBotProcess, startEchoProcess, type BenchProcess } from './benchProcess.js';

/**
 * What the benchmarks run against: Azurite, the loopback connector (in this process), the bot and the echo bot
 * (each in its own process), and a plan whose working groups have channels and whose owners have installed
 * the bot in their personal chats.
 */
export interface BenchWorld {
  azurite: LocalAzurite;
  /** Azurite's process, for its CPU time. */
  azuritePid: number;
  connector: LoopbackConnector;
  bot: BenchProcess;
  echo: BenchProcess;
  agreement: Agreement;
  /** One per working group, in order. */
  channels: ChannelPlace[];
  /** Every measure owner, as Teams sends them, with the id of their personal chat with the bot. */
  owners: Array<TeamsUser & { chatId: string }>;
  /** Posts an activity to the bot. */
  post(activity: Activity): Promise<{ status: number; body: string }>;
  /** A coordinator (Alex) @mentions the bot in a channel. */
  say(text: string, where: ChannelPlace): Promise<{ status: number; body: string }>;
  /** Every card a round should post: `channel|<channel>|<measure>` and `personal|<chat>|<measure>`. */
  expectedPrompts(): Set<string>;
  failedDeliveries(roundId: string): Promise<number>;
  /** Progress for the person running the benchmark, on stderr. */
  log(line: string): void;
  close(): Promise<void>;
}

/** Tuesday 7 September 2021, 09:00 in Stockholm: a working day in office hours, inside the agreement. */
export const benchMorning = Date.parse('2021-09-07T07:00:00Z');

export async function startBenchWorld(options: {
  shape: PlanShape;
  dataDir: string;
  cpuProfileDir?: string;
  logLevel: 'info' | 'warn' | 'silent';
  log: (line: string) => void;
}): Promise<BenchWorld> {
  const example = await loadAgreementFile('agreements/example.yaml');
  // Through the schema, as the bot will read it: the plan must be one a coordinator could write.
  const agreement = agreementSchema.parse(benchAgreement(example, options.shape));
  await mkdir(options.dataDir, { recursive: true });
  const agreementFile = join(options.dataDir, 'agreement.json');
  await writeFile(agreementFile, JSON.stringify(agreement, null, 2));

  const azurite = await startLocalAzurite();
  const connector = await startLoopbackConnector();
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    return await populate(options, agreement, agreementFile, azurite, connector, started);
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    await connector.close();
    await azurite.stop();
    throw err;
  }
}

async function populate(
  options: { cpuProfileDir?: string; logLevel: 'info' | 'warn' | 'silent'; log: (line: string) => void },
  agreement: Agreement,
  agreementFile: string,
  azurite: LocalAzurite,
  connector: LoopbackConnector,
  started: Array<{ stop(): Promise<void> }>,
): Promise<BenchWorld> {
  const profile = options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {};
  const bot = await startBotProcess(
    {
      env: {
        NODE_ENV: 'development',
        PORT: '0',
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        AGREEMENT_FILE: agreementFile,
        AUTOMATIC_ROUNDS: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
      },
      logLevel: options.logLevel,
      clockStartsAt: benchMorning,
    },
    profile,
  );
  started.push(bot);
  const echo = await startEchoProcess(profile);
  started.push(echo);
  const serviceUrl = connector.serviceUrl;

  const post = async (activity: Activity) => {
    const response = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    return { status: response.status, body: await response.text() };
  };
  const say = (text: string, where: ChannelPlace) =>
    post(channelMessage(text, where, { serviceUrl, from: users.alex }));

  const workingGroups = agreement.groups.filter((g) => g.kind === 'arbetsgrupp');
  const channels = workingGroups.map(() => newChannel());
  const owners = [
    ...new Map(agreement.measures.flatMap((m) => m.owners).map((o) => [o.aadObjectId, o])).values(),
  ].map((o, i) => ({ ...o, id: `29:bench-user-${i + 1}`, chatId: `a:bench-chat-${i + 1}` }));
  // The coordinator binds each working group's channel; each owner installs the bot personally.
  await inBatches(workingGroups, 8, async (group, i) => {
    const channel = channels[i];
    if (!channel) return;
    const answer = await say(`koppla ${group.id}`, channel);
    if (answer.status !== 200) throw new Error(`koppla ${group.id} answered ${answer.status}`);
  });
  await inBatches(owners, 8, async (owner) => {
    const answer = await post(
      personalInstall('installationUpdate', { serviceUrl, from: owner, conversationId: owner.chatId }),
    );
    if (answer.status !== 200) throw new Error(`installing for ${owner.name} answered ${answer.status}`);
  });
  connector.clear();

  const rounds = new RoundRepository(new TableStore({ connectionString: azurite.connectionString }));
  return {
    azurite,
    azuritePid: azuritePid(azurite.port),
    connector,
    bot,
    echo,
    agreement,
    channels,
    owners,
    post,
    say,
    expectedPrompts() {
      const keys = new Set<string>();
      for (const measure of agreement.measures) {
        const group = workingGroups.findIndex((g) => g.id === measure.workingGroup);
        keys.add(`channel|${channels[group]?.channelId ?? '?'}|${measure.id}`);
        for (const owner of measure.owners) {
          const chat = owners.find((o) => o.aadObjectId === owner.aadObjectId)?.chatId ?? '?';
          keys.add(`personal|${chat}|${measure.id}`);
        }
      }
      return keys;
    },
    log: options.log,
    async failedDeliveries(roundId) {
      return (await rounds.deliveries('', roundId)).filter((d) => d.status === 'failed').length;
    },
    async close() {
      await Promise.all([bot.stop(), echo.stop()]);
      await connector.close();
      await azurite.stop();
    },
  };
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T, index: number) => Promise<void>,
) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j)));
  }
}
