import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
} from 'botbuilder';
import restify from 'restify';
import type { AddressInfo } from 'node:net';

/**
 * The yardstick: the smallest bot the Bot Framework SDK makes, on the same restify server, body parser and
 * CloudAdapter (unauthenticated, as the bot runs without an app id locally) as `src/server.ts` and
 * `src/teams/botEndpoint.ts`. It answers every message by echoing it, which costs one call to the connector,
 * like the bot's card update does.
 */
export async function startEchoBot(port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(MessageFactory.text(`Echo: ${context.activity.text ?? ''}`));
    await next();
  });

  const server = restify.createServer({ name: 'echobot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://localhost:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.server.closeAllConnections();
      }),
  };
}
