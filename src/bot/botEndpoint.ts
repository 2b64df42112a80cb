import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../config/env.js';
import { localeFrom, type Locale } from '../domain/locale.js';
import { describeError, log } from '../log.js';
import type { Messenger } from '../scheduling/messenger.js';
import type { SendPacer } from '../scheduling/pacer.js';
import type { ConversationRepository } from '../storage/conversationRepository.js';
import { messagesFor } from './messages.js';
import { SamverkansBot, type BotDependencies } from './samverkansBot.js';
import { TeamsMessenger } from './teamsMessenger.js';

/**
 * The narrow surface the rest of the program sees of the Bot Framework SDK. Everything that imports botbuilder
 * stays inside `src/bot/`, so moving to the Microsoft 365 Agents SDK changes this folder only.
 */
export interface BotEndpoint {
  /** Authenticates and handles one request to /api/messages. */
  process(req: Request, res: Response): Promise<void>;
}

export interface TeamsConnection {
  /** Proactive messages (check-ins, reminders, summaries). */
  messenger: Messenger;
  /** The endpoint Teams posts to, answering with the bot built from these dependencies. */
  endpoint(deps: BotDependencies): BotEndpoint;
}

export function connectToTeams(
  settings: Config['bot'],
  options: { conversations: ConversationRepository; pacer: SendPacer; defaultLocale: Locale },
): TeamsConnection {
  // Without an app id the SDK accepts unauthenticated requests; the configuration only allows that outside production.
  const auth = new ConfigurationBotFrameworkAuthentication(
    settings.appId
      ? {
          MicrosoftAppId: settings.appId,
          MicrosoftAppPassword: settings.appPassword,
          MicrosoftAppType: settings.appType,
          MicrosoftAppTenantId: settings.tenantId,
        }
      : {},
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    log.error('turn.failed', { ...describeError(error), activityType: context.activity.type });
    if (context.activity.type !== 'message') return;
    try {
      const m = messagesFor(localeFrom(context.activity.locale, options.defaultLocale));
      await context.sendActivity(MessageFactory.text(m.error));
    } catch (sendError) {
      log.error('turn.errorReplyFailed', describeError(sendError));
    }
  };
  return {
    messenger: new TeamsMessenger(adapter, settings.appId ?? '', options.conversations, options.pacer),
    endpoint(deps) {
      const bot = new SamverkansBot(deps);
      return { process: (req, res) => adapter.process(req, res, (context) => bot.run(context)) };
    },
  };
}
