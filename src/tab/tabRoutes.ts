import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { DateTime } from 'luxon';
import type restify from 'restify';
import { z } from 'zod';
import { agreementIdSchema, measureIdSchema } from '../domain/agreement.js';
import { localeFrom, type Locale } from '../domain/locale.js';
import { agreementName } from '../features/agreements/agreementName.js';
import {
  dashboardFiles,
  type Dashboards,
  type Reader,
  type Refusal,
} from '../features/dashboard/dashboards.js';
import { describeError, log } from '../platform/log.js';
import { dashboardFragment, measureHistoryFragment } from './dashboardPage.js';
import type { Html } from './html.js';
import {
  configFragment,
  developmentSignInFragment,
  homeFragment,
  refusalFragment,
  shellPage,
  themes,
  type Theme,
} from './tabPages.js';
import { readerOf, type SignInRefusal, type TabSignIn } from './tabSignIn.js';
import { defaultAssetsDir, tabAssetTypes } from './tabAssets.js';
import { tabTextsFor } from './tabTexts.js';

export interface TabSettings {
  dashboards: Dashboards;
  signIn: TabSignIn;
  /** The language when the page's address names none Teams knows. */
  defaultLocale: Locale;
  timeZone: string;
  now: () => Date;
  /** The tab's bundled script and styles (`npm run build:tab`); tests may point elsewhere. */
  assetsDir?: string;
}

const pageQuery = z.object({
  locale: z.string().max(35).optional(),
  theme: z.string().max(20).optional(),
});

/**
 * Teams shows the tab in a frame on its own sites (web, desktop, mobile, and Microsoft 365 and Outlook, which
 * host Teams apps too); no other site may frame it. The page runs only its own script.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.skype.com https://*.office.com https://outlook.office.com https://*.microsoft365.com https://*.cloud.microsoft",
].join('; ');

/**
 * The dashboard tab's HTTP surface under /tab: pages Teams loads (no personal data in them) and, under /tab/api,
 * the content for the signed-in person, rendered on the server. Every api answer is for one person and is never
 * cached.
 */
export function registerTabRoutes(server: restify.Server, settings: TabSettings): void {
  const assetsDir = settings.assetsDir ?? defaultAssetsDir;
  const page = (purpose: 'home' | 'agreement' | 'config', fragment: (req: IncomingMessage) => string) =>
    handled(settings.defaultLocale, async (req, res) => {
      const { locale, theme } = pageOptions(req, settings.defaultLocale);
      const query = `?locale=${locale}&theme=${theme}`;
      send(
        res,
        200,
        'text/html; charset=utf-8',
        shellPage({
          locale,
          theme,
          signIn: settings.signIn.kind,
          fragment: `${fragment(req)}${query}`,
          purpose,
        }).value,
      );
    });

  server.get(
    '/tab',
    page('home', () => '/tab/api/home'),
  );
  server.get(
    '/tab/',
    page('home', () => '/tab/api/home'),
  );
  server.get(
    '/tab/config',
    page('config', () => '/tab/api/config'),
  );
  server.get(
    '/tab/agreements/:agreementId',
    page('agreement', (req) => `/tab/api/agreements/${encodeURIComponent(param(req, 'agreementId'))}`),
  );

  server.get(
    '/tab/assets/:file',
    handled(settings.defaultLocale, async (req, res) => {
      const file = param(req, 'file');
      if (!Object.hasOwn(tabAssetTypes, file))
        return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      let body: Buffer;
      try {
        body = await readFile(path.join(assetsDir, file));
      } catch {
        log.warn('tab.assetMissing', { file, message: 'run npm run build:tab' });
        return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      }
      send(res, 200, tabAssetTypes[file as keyof typeof tabAssetTypes], body, {
        'cache-control': 'no-cache',
      });
    }),
  );

  server.get(
    '/tab/api/dev/people',
    handled(settings.defaultLocale, async (req, res) => {
      const { locale } = pageOptions(req, settings.defaultLocale);
      if (settings.signIn.kind !== 'development') return refuse(res, { kind: 'notFound' }, locale);
      sendHtml(res, 200, developmentSignInFragment(settings.signIn.people, locale));
    }),
  );

  server.get(
    '/tab/api/home',
    signedIn(settings, async (req, res, reader, locale) => {
      const { theme } = pageOptions(req, settings.defaultLocale);
      sendHtml(res, 200, homeFragment(await listed(settings, reader, locale), locale, theme));
    }),
  );

  server.get(
    '/tab/api/config',
    signedIn(settings, async (_req, res, reader, locale) => {
      sendHtml(res, 200, configFragment(await listed(settings, reader, locale), locale));
    }),
  );

  server.get(
    '/tab/api/agreements/:agreementId',
    signedIn(settings, async (req, res, reader, locale) => {
      const agreementId = agreementIdSchema.safeParse(param(req, 'agreementId'));
      if (!agreementId.success) return refuse(res, { kind: 'notFound' }, locale);
      const view = await settings.dashboards.view(agreementId.data, reader);
      if (view.kind !== 'dashboard') return refuse(res, view, locale);
      const name = agreementName(view.agreement, locale, today(settings));
      sendHtml(res, 200, dashboardFragment({ ...view, name }, { locale, timeZone: view.timeZone }));
    }),
  );

  server.get(
    '/tab/api/agreements/:agreementId/measures/:measureId',
    signedIn(settings, async (req, res, reader, locale) => {
      const agreementId = agreementIdSchema.safeParse(param(req, 'agreementId'));
      const measureId = measureIdSchema.safeParse(param(req, 'measureId'));
      if (!agreementId.success || !measureId.success) return refuse(res, { kind: 'notFound' }, locale);
      const view = await settings.dashboards.measureHistory(agreementId.data, measureId.data, reader);
      if (view.kind !== 'history') return refuse(res, view, locale);
      sendHtml(res, 200, measureHistoryFragment(view, { locale, timeZone: view.timeZone }));
    }),
  );

  server.get(
    '/tab/api/agreements/:agreementId/files/:file',
    signedIn(settings, async (req, res, reader, locale) => {
      const agreementId = agreementIdSchema.safeParse(param(req, 'agreementId'));
      const file = z.enum(dashboardFiles).safeParse(param(req, 'file'));
      if (!agreementId.success || !file.success) return refuse(res, { kind: 'notFound' }, locale);
      const got = await settings.dashboards.download(agreementId.data, file.data, reader, locale);
      if (got.kind === 'unavailable') return sendHtml(res, 503, refusalFragment(got.text));
      if (got.kind !== 'file') return refuse(res, got, locale);
      send(res, 200, contentTypeOf(got.name), Buffer.from(got.bytes), {
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(got.name)}`,
      });
    }),
  );
}

type SignedInHandler = (
  req: restify.Request,
  res: restify.Response,
  reader: Reader,
  locale: Locale,
) => Promise<void>;

/** Runs `handler` for the person the request's token names; anyone else gets why not, in their language. */
function signedIn(settings: TabSettings, handler: SignedInHandler) {
  return handled(settings.defaultLocale, async (req, res) => {
    const { locale } = pageOptions(req, settings.defaultLocale);
    const who = await readerOf(req.header('authorization'), settings.signIn);
    if (!who.ok) {
      if (who.token) log.info('tab.tokenRefused', { refusal: who.token });
      return refuse(res, { kind: who.refusal }, locale);
    }
    await handler(req, res, who.reader, locale);
  });
}

/** Runs `handler`; a failure is logged and answered with a sentence in the person's language, never a stack. */
function handled(fallback: Locale, handler: (req: restify.Request, res: restify.Response) => Promise<void>) {
  return async (req: restify.Request, res: restify.Response) => {
    try {
      await handler(req, res);
    } catch (err) {
      log.error('tab.failed', { path: req.getPath(), ...describeError(err) });
      const { locale } = pageOptions(req, fallback);
      if (!res.headersSent) sendHtml(res, 500, refusalFragment(tabTextsFor(locale).refused.failed));
    }
  };
}

const refusalStatus: Record<Refusal['kind'] | SignInRefusal, number> = {
  signIn: 401,
  notAllowed: 403,
  notFound: 404,
  notSetUp: 503,
  keysUnavailable: 503,
};

function refuse(
  res: ServerResponse,
  refusal: { kind: Refusal['kind'] | SignInRefusal },
  locale: Locale,
): void {
  const texts = tabTextsFor(locale).refused;
  sendHtml(res, refusalStatus[refusal.kind], refusalFragment(texts[refusal.kind]));
}

async function listed(settings: TabSettings, reader: Reader, locale: Locale) {
  const plans = await settings.dashboards.plansOf(reader);
  return plans.map((p) => ({
    id: p.agreement.id,
    name: agreementName(p.agreement, locale, today(settings)),
  }));
}

function today(settings: TabSettings): string {
  return DateTime.fromJSDate(settings.now()).setZone(settings.timeZone).toISODate() ?? '';
}

function pageOptions(req: IncomingMessage, fallback: Locale): { locale: Locale; theme: Theme } {
  const query = pageQuery.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://tab').searchParams));
  const given = query.success ? query.data : {};
  const theme = themes.find((t) => t === given.theme) ?? 'default';
  return { locale: localeFrom(given.locale, fallback), theme };
}

function param(req: IncomingMessage, name: string): string {
  const value = (req as restify.Request).params?.[name] as unknown;
  return typeof value === 'string' ? value : '';
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.docx'))
    return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (name.endsWith('.csv')) return 'text/csv; charset=utf-8';
  return 'application/octet-stream';
}

function sendHtml(res: ServerResponse, status: number, body: Html): void {
  send(res, status, 'text/html; charset=utf-8', body.value);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(body);
}
