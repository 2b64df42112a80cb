import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../config/env.js';
import { quietSdkConsole } from './sdkConsole.js';
import { localeFrom, type Locale } from '../domain/locale.js';
import { describeError, log, withLogContext } from '../platform/log.js';
import type { Messenger } from '../scheduling/messenger.js';
import type { SendPacer } from '../scheduling/pacer.js';
import type { ConversationRepository } from '../storage/conversationRepository.js';
import { messagesFor } from '../features/shared/messages.js';
import { SamverkansBot, type BotDependencies } from './samverkansBot.js';
import { parseEnvelope, type TeamsEnvelope } from './teamsEnvelope.js';
import { TeamsMessenger } from './teamsMessenger.js';

/**
 * The narrow surface the rest of the program sees of the Bot Framework SDK. Everything that imports botbuilder
 * stays inside `src/teams/`, so moving to the Microsoft 365 Agents SDK changes this folder only.
 */
export interface BotEndpoint {
  /** Authenticates and handles one request to /api/messages. */
  process(req: Request, res: Response): Promise<void>;
}

export interface TeamsConnection {
  /**
   * Proactive messages (check-ins, reminders, summaries) of one agreement: its cards' buttons name it. Every
   * agreement's messenger shares the deployment's pacer, so Teams' limits hold across all of them.
   */
  messengerFor(agreementId: string): Messenger;
  /** The endpoint Teams posts to, answering with the bot built from these dependencies. */
  endpoint(deps: BotDependencies): BotEndpoint;
}

export function connectToTeams(
  settings: Config['bot'],
  options: { conversations: ConversationRepository; pacer: SendPacer; defaultLocale: Locale },
): TeamsConnection {
  quietSdkConsole();
  const auth = new RequestAuthentication(authenticationSettings(settings));
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
    messengerFor: (agreementId) =>
      new TeamsMessenger(adapter, settings.appId ?? '', options.conversations, options.pacer, {
        locale: options.defaultLocale,
        agreementId,
      }),
    endpoint(deps) {
      const bot = new SamverkansBot(deps);
      return {
        async process(req, res) {
          const activity = req.body;
          if (!isActivity(activity)) {
            // CloudAdapter answers 400 too, but throws (a 500) on a body without a type or with a serviceUrl that
            // is not text, and without a serviceUrl it would send its answers to the public Bot Connector.
            res.status(400);
            res.end();
            return;
          }
          const parsed = parseEnvelope(activity);
          try {
            // The object the adapter will handle (same addresses), so that its own check reuses this one's result.
            await auth.authenticateRequest(
              parsed.ok ? asActivity(parsed.envelope) : activity,
              authorizationOf(req),
            );
          } catch (err) {
            log.warn('request.unauthorized', { ...describeError(err), activityType: activity.type });
            res.status(401);
            res.end();
            return;
          }
          if (!parsed.ok) {
            // No answer can be addressed without a sender, recipient and conversation, and a guessed tenant or
            // channel would decide who may do what: Teams never sends such an envelope, so it is refused whole.
            log.warn('request.malformedActivity', {
              activityType: activity.type.slice(0, 40),
              problems: parsed.problems,
            });
            res.status(400);
            res.end();
            return;
          }
          // What the bot reads from here on: values it can do without and found of the wrong type are gone.
          req.body = parsed.envelope;
          // Every line of the turn, the adapter's own included, carries which activity in which conversation.
          const turn = { activityId: parsed.envelope.id, conversationId: parsed.envelope.conversation.id };
          await withLogContext(turn, () => adapter.process(req, res, (context) => bot.run(context)));
        },
      };
    },
  };
}

/** Azure's public cloud, as botframework-connector's AuthenticationConstants and CallerIdConstants name it. */
const publicCloud = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
} satisfies ConfigurationBotFrameworkAuthenticationOptions;

function authenticationSettings(settings: Config['bot']): ConfigurationBotFrameworkAuthenticationOptions {
  // Without an app id the SDK accepts unauthenticated requests; the configuration only allows that outside production.
  if (!settings.appId) return {};
  return {
    MicrosoftAppId: settings.appId,
    MicrosoftAppPassword: settings.appPassword,
    MicrosoftAppType: settings.appType,
    MicrosoftAppTenantId: settings.tenantId,
    // Once one endpoint is set the SDK takes none of its defaults, so the public cloud's come with it.
    ...(settings.openIdMetadataUrl
      ? { ...publicCloud, ToBotFromChannelOpenIdMetadataUrl: settings.openIdMetadataUrl }
      : {}),
  };
}

type AuthenticationResult = ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>;
type Claims = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/** Clients kept for reuse; a deployment talks to a handful of service URLs, so beyond this something is wrong. */
const clientsKept = 100;

/**
 * The SDK's checks of a request's token (issuer, signature, expiry, audience = app id, serviceUrl claim, the
 * signing key's endorsement of the channel), run before the adapter sees the request so that every refusal is a
 * 401 and one log line. CloudAdapter answers 401 only for the SDK's own AuthenticationError: a token that fails
 * jsonwebtoken's checks (a wrong signature, an algorithm it does not allow, not valid yet) would get a 500.
 */
class RequestAuthentication extends ConfigurationBotFrameworkAuthentication {
  /** Each request's result, so that the adapter, which checks again, does not verify the token twice. */
  private readonly checked = new WeakMap<Activity, AuthenticationResult>();
  /**
   * The clients the adapter asks for on every turn and every proactive send, built once per app id, service URL
   * and audience: CloudAdapter builds new ones (credentials, a whole HTTP pipeline) each time, some 5 % of the
   * CPU of a card's save and more of a proactive send's. They hold nothing of a turn; their credentials fetch and
   * renew their own tokens. BotFrameworkAdapter, before CloudAdapter, kept its clients the same way.
   */
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  override authenticateRequest(activity: Activity, authHeader: string): AuthenticationResult {
    let result = this.checked.get(activity);
    if (!result) {
      result = super.authenticateRequest(activity, authHeader);
      this.checked.set(activity, result);
    }
    return result;
  }

  override createConnectorFactory(claims: Claims): ConnectorFactory {
    const made = super.createConnectorFactory(claims);
    const app = appOf(claims);
    return {
      create: (serviceUrl, audience) =>
        kept(this.connectors, `${app}|${serviceUrl}|${audience ?? ''}`, () =>
          made.create(serviceUrl, audience),
        ),
    };
  }

  override createUserTokenClient(claims: Claims): Promise<UserTokenClient> {
    return kept(this.userTokenClients, appOf(claims), () => super.createUserTokenClient(claims));
  }
}

/** What the SDK builds a turn's clients for: the app id the token was issued to or for. */
function appOf(claims: Claims): string {
  return `${claims.getClaimValue('aud') ?? ''}|${claims.getClaimValue('appid') ?? ''}`;
}

/** `make()`, or what it made before for `key`; a client that could not be made is tried again next time. */
function kept<T>(clients: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = clients.get(key);
  if (known) return known;
  if (clients.size >= clientsKept) clients.clear();
  const client = make();
  clients.set(key, client);
  client.catch(() => {
    if (clients.get(key) === client) clients.delete(key);
  });
  return client;
}

function isActivity(body: unknown): body is Activity {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { type, serviceUrl } = body as { type?: unknown; serviceUrl?: unknown };
  return typeof type === 'string' && type !== '' && typeof serviceUrl === 'string' && serviceUrl !== '';
}

/** The SDK types every field of an activity as present; Teams leaves many out (callerId, label, listenFor, …). */
function asActivity(envelope: TeamsEnvelope): Activity {
  return envelope as unknown as Activity;
}

function authorizationOf(req: Request): string {
  const header = req.headers.authorization ?? req.headers.Authorization;
  return typeof header === 'string' ? header : '';
}
