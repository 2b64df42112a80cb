import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Bot Connector: what Teams' service would receive from the bot. It records every activity the bot
 * sends (replies, proactive messages, updates, deletes, new conversations) and can be told to fail.
 */
export type SentKind = 'reply' | 'send' | 'update' | 'delete' | 'createConversation';

export interface SentActivity {
  kind: SentKind;
  conversationId: string;
  /** The activity replied to, updated or deleted. */
  activityId?: string;
  /** The JSON body the bot sent (empty for deletes). */
  body: Record<string, unknown>;
  /** The id the connector gave it. */
  id: string;
}

/** A file the bot put to an upload URL (what OneDrive's upload session would receive after a file consent). */
export interface Upload {
  /** The id in the URL from `uploadUrl()`. */
  id: string;
  method: string;
  contentRange?: string;
  contentLength?: string;
  bytes: Buffer;
  /** The HTTP status it was answered with. */
  status: number;
}

export interface Fault {
  /** 429 and 5xx are worth retrying; 403 (the bot was removed) and 404 (the conversation is gone) are not. */
  status: 429 | 500 | 503 | 403 | 404;
  retryAfterSeconds?: number;
}

/** Which requests a rule applies to: the activity the connector would record if it accepted the request. */
export type RequestMatcher = (request: SentActivity) => boolean;

export interface LoopbackConnector {
  /** Use as `serviceUrl` in activities. */
  serviceUrl: string;
  sent: SentActivity[];
  /** Answers the next `count` requests with the fault instead of accepting them. */
  failNext(count: number, fault: Fault): void;
  /**
   * Answers every `k`-th request from now on with the fault (the k-th, the 2k-th, …), at most `limit` times in
   * all; `failEvery(0, …)` stops it. Requests that `failNext` answers are not counted.
   */
  failEvery(k: number, fault: Fault, limit?: number): void;
  /**
   * Answers every request that `matches` with the fault (after `failNext` and `failEvery` had their say), e.g.
   * 403 for one channel whose team removed the bot. Returns a function that lifts the rule.
   */
  failWhen(matches: RequestMatcher, fault: Fault): () => void;
  /**
   * Leaves every request that `matches` unanswered and unrecorded (a service that stalls, or a request that never
   * arrived); undefined stops holding new ones. Held requests stay open until the client gives up or
   * `close()`.
   */
  holdWhen(matches: RequestMatcher | undefined): void;
  /**
   * Takes every request that `matches` (it is recorded in `sent`, as Teams would post it) but never answers it: a
   * send that reached Teams while its answer was lost, as when the bot dies waiting for it. undefined stops it.
   */
  holdAnswersWhen(matches: RequestMatcher | undefined): void;
  /** The requests held so far, as they would have been recorded. */
  held: SentActivity[];
  /** Requests answered with a fault so far. */
  faultsServed: number;
  /** The adaptive cards among what was sent, in order. */
  cards(): Array<Record<string, unknown>>;
  /**
   * A loopback upload URL, as Teams gives in a file consent's `uploadInfo`; what is put to it lands in `uploads`.
   * `failWith` answers every upload to it with that status instead (the upload is still recorded).
   */
  uploadUrl(options?: { failWith?: number }): string;
  uploads: Upload[];
  /**
   * What Teams answers to `GET /v3/conversations/{id}/members/{user}`: the roster of a team (by team id) or chat
   * (by conversation id). A member is found by its id, Entra id, e-mail address or UPN; anyone else gets 404.
   */
  rosters: Map<string, Array<{ id: string; name: string; aadObjectId: string; email?: string }>>;
  /** Forgets what was sent and uploaded. */
  clear(): void;
  /** Resolves when what was sent satisfies `done`; fails after `timeoutMs`. */
  waitFor(done: (sent: SentActivity[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLoopbackConnector(): Promise<LoopbackConnector> {
  const faults: Fault[] = [];
  let every: { k: number; fault: Fault; left: number; seen: number } | undefined;
  const rules = new Set<{ matches: RequestMatcher; fault: Fault }>();
  let holding: RequestMatcher | undefined;
  let holdingAnswers: RequestMatcher | undefined;
  const connector: LoopbackConnector = {
    serviceUrl: '',
    sent: [],
    uploads: [],
    rosters: new Map(),
    held: [],
    faultsServed: 0,
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    failEvery(k, fault, limit = Infinity) {
      every = k > 0 ? { k, fault, left: limit, seen: 0 } : undefined;
    },
    failWhen(matches, fault) {
      const rule = { matches, fault };
      rules.add(rule);
      return () => rules.delete(rule);
    },
    holdWhen(matches) {
      holding = matches;
    },
    holdAnswersWhen(matches) {
      holdingAnswers = matches;
    },
    cards() {
      return connector.sent.flatMap((s) => cardsIn(s.body));
    },
    uploadUrl(options = {}) {
      const query = options.failWith ? `?failWith=${options.failWith}` : '';
      return `${connector.serviceUrl}upload/${randomUUID()}${query}`;
    },
    clear() {
      connector.sent.length = 0;
      connector.uploads.length = 0;
    },
    async waitFor(done, timeoutMs = 10_000) {
      const started = Date.now();
      while (!done(connector.sent)) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(
            `The connector did not receive what was expected; it has ${connector.sent.length} activities`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => Promise.resolve(),
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const uploadId = /^\/upload\/([^/]+)$/.exec(url.pathname)?.[1];
      if (uploadId) {
        // Upload sessions are not Bot Connector requests: no faults, holds or activity records apply to them.
        const status = Number(url.searchParams.get('failWith') ?? 201);
        connector.uploads.push({
          id: uploadId,
          method: req.method ?? 'GET',
          contentRange: req.headers['content-range'],
          contentLength: req.headers['content-length'],
          bytes: await readBytes(req),
          status,
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 300 ? { id: uploadId } : { error: { code: 'UploadFailed' } }));
        return;
      }
      const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(url.pathname);
      if (member?.[1] && member[2] && req.method === 'GET') {
        // A roster lookup reads; it is no activity, so no faults, holds or records apply to it.
        const wanted = decodeURIComponent(member[2]).toLowerCase();
        const found = connector.rosters
          .get(decodeURIComponent(member[1]))
          ?.find((m) => [m.id, m.aadObjectId, m.email].some((value) => value?.toLowerCase() === wanted));
        res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            found ? { ...found, userPrincipalName: found.email } : { error: { code: 'NotFound' } },
          ),
        );
        return;
      }
      const body = await readJson(req);
      const recorded = route(req.method ?? 'GET', url.pathname, body);
      const fault = faults.shift() ?? everyKth() ?? (recorded ? matchingRule(recorded) : undefined);
      if (fault) {
        connector.faultsServed++;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ error: { code: errorCodes[fault.status] ?? 'ServiceError' } }));
        return;
      }
      if (!recorded) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NotFound', message: `${req.method} ${req.url}` } }));
        return;
      }
      if (holding?.(recorded)) {
        // No answer and no record: the client waits until it gives up or the connection closes.
        connector.held.push(recorded);
        return;
      }
      connector.sent.push(recorded);
      if (holdingAnswers?.(recorded)) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          recorded.kind === 'createConversation'
            ? { id: `${recorded.conversationId};messageid=${recorded.id}`, activityId: recorded.id }
            : { id: recorded.id },
        ),
      );
    })();
  });

  /** The fault for this request if it is every.k-th since failEvery; every request is counted. */
  function everyKth(): Fault | undefined {
    if (!every) return undefined;
    every.seen++;
    if (every.seen % every.k !== 0 || every.left <= 0) return undefined;
    every.left--;
    return every.fault;
  }

  function matchingRule(request: SentActivity): Fault | undefined {
    for (const rule of rules) if (rule.matches(request)) return rule.fault;
    return undefined;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  connector.serviceUrl = `http://127.0.0.1:${port}/`;
  connector.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return connector;
}

/** What Teams' service puts in the error body; the bot only reads the status. */
const errorCodes: Partial<Record<Fault['status'], string>> = {
  429: 'TooManyRequests',
  403: 'BotNotInConversationRoster',
  404: 'ConversationNotFound',
};

function route(method: string, path: string, body: Record<string, unknown>): SentActivity | undefined {
  const match = /\/v3\/conversations(?:\/([^/]+)(?:\/activities(?:\/([^/]+))?)?)?$/.exec(path);
  if (!match) return undefined;
  const conversationId = match[1] ? decodeURIComponent(match[1]) : undefined;
  const activityId = match[2] ? decodeURIComponent(match[2]) : undefined;
  const id = randomUUID();
  if (!conversationId && method === 'POST') {
    const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? 'new';
    const activity = (body.activity as Record<string, unknown> | undefined) ?? {};
    return { kind: 'createConversation', conversationId: channel, body: activity, id };
  }
  if (!conversationId) return undefined;
  if (method === 'POST' && activityId) return { kind: 'reply', conversationId, activityId, body, id };
  if (method === 'POST') return { kind: 'send', conversationId, body, id };
  if (method === 'PUT' && activityId)
    return { kind: 'update', conversationId, activityId, body, id: activityId };
  if (method === 'DELETE' && activityId)
    return { kind: 'delete', conversationId, activityId, body, id: activityId };
  return undefined;
}

export function cardsIn(body: Record<string, unknown>): Array<Record<string, unknown>> {
  const attachments =
    (body.attachments as Array<{ contentType?: string; content?: unknown }> | undefined) ?? [];
  return attachments
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => a.content as Record<string, unknown>);
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBytes(req)).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsable: text };
  }
}

/** Every piece of text a person would read on a card, in order, for assertions. */
export function cardText(card: unknown): string[] {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') texts.push(element.text);
    if (element.type === 'FactSet' && Array.isArray(element.facts)) {
      for (const fact of element.facts as Array<{ title?: string; value?: string }>) {
        texts.push(`${fact.title ?? ''}: ${fact.value ?? ''}`);
      }
    }
    if (
      typeof element.title === 'string' &&
      typeof element.type === 'string' &&
      element.type.startsWith('Action.')
    ) {
      texts.push(element.title);
    }
    if (typeof element.type === 'string' && element.type.startsWith('Input.')) {
      if (typeof element.label === 'string') texts.push(element.label);
      if (element.type === 'Input.Toggle' && typeof element.title === 'string') texts.push(element.title);
    }
    for (const [key, value] of Object.entries(element)) {
      if (key !== 'facts') visit(value);
    }
  };
  visit(card);
  return texts;
}

/** The values of a card's inputs by id, as the client sends them back when the person changes nothing. */
export function cardInputs(card: unknown): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (
      typeof element.type === 'string' &&
      element.type.startsWith('Input.') &&
      typeof element.id === 'string'
    ) {
      inputs[element.id] = element.value ?? '';
    }
    Object.values(element).forEach(visit);
  };
  visit(card);
  return inputs;
}
