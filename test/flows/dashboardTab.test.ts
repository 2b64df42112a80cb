import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { AuditLog } from '../../src/storage/auditLog.js';
import { freePort, startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { DecisionRepository } from '../../src/storage/decisionRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { ReviewRepository } from '../../src/storage/reviewRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { users } from '../harness/activities.js';
import { startEntra, type Issuer } from '../harness/entra.js';
import { exampleAgreementId, seededReport, seededRound } from '../harness/seed.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

/** Adele Vance sits in the steering group: she reads the dashboard but coordinates nothing. */
const adele = { name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-0000000000022' };
const outsider = '00000000-0000-4000-8000-000000000000';
const agreementApi = `/tab/api/agreements/${exampleAgreementId}`;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function get(bot: TestBot, path: string, authorization?: string): Promise<Answer> {
  const response = await fetch(`${bot.app.url}${path}`, {
    headers: authorization ? { authorization } : {},
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What a person reads in a fragment: the text without the markup, entities decoded, spaces collapsed. */
function readable(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the dashboard tab, signed in for development (no app id)', () => {
  let bot: TestBot;
  const now = Date.parse('2021-05-20T08:30:00Z');
  const as = (aadObjectId: string) => `Dev ${aadObjectId}`;

  before(async () => {
    bot = await startTestBot({
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date(now),
    });
    const rounds = new RoundRepository(bot.store);
    await rounds.open(seededRound('q1', '2021 kvartal 1', '2021-02-01T08:00:00.000Z', 'closed'));
    await rounds.open(seededRound('q2', '2021 kvartal 2', '2021-05-03T08:00:00.000Z', 'open'));
    await new ReportRepository(bot.store).importHistory([
      seededReport('1.1', 1, {
        status: 'onTrack',
        roundId: 'q1',
        reportedAt: '2021-02-03T09:00:00.000Z',
        indicatorValue: 131,
      }),
      seededReport('1.1', 2, {
        status: 'atRisk',
        roundId: 'q2',
        reportedAt: '2021-05-04T07:15:00.000Z',
        narrative: 'Fler händelser vid stationen i april.',
        indicatorValue: 127.5,
        needsSteeringDecision: true,
      }),
      seededReport('2.1', 1, {
        status: 'delayed',
        roundId: 'q2',
        reportedAt: '2021-05-05T12:00:00.000Z',
        reportedBy: users.patti,
        narrative: 'Grupperna är fulla.',
      }),
    ]);
    await new ReviewRepository(bot.store).add({
      agreementId: exampleAgreementId,
      organisation: 'polis',
      answers: ['Veckomötena fungerar bra.', '', 'För tidigt att säga.'],
      answeredBy: users.megan,
      answeredAt: '2021-05-10T08:00:00.000Z',
    });
    await new DecisionRepository(bot.store).record({
      id: 'd-1',
      agreementId: exampleAgreementId,
      text: 'Utöka ordningsvakternas tider vid stationen.',
      concerns: { goalAreas: [], measures: ['1.1'] },
      responsible: 'Kommunens trygghetssamordnare',
      dueDate: '2021-05-01',
      status: 'open',
      meetingDate: '2021-03-10',
      recordedAt: '2021-03-11T10:00:00.000Z',
      recordedBy: users.alex,
      revision: 1,
    });
  });
  after(async () => {
    await bot.close();
  });

  it('serves the page Teams loads in the person’s language and theme, with nothing personal in it', async () => {
    const page = await get(bot, `/tab/agreements/${exampleAgreementId}?locale=en-us&theme=dark`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="en" data-theme="dark">/);
    assert.match(page.text, /Loading …/);
    assert.match(page.text, new RegExp(`data-fragment="${agreementApi}\\?locale=en&amp;theme=dark"`));
    assert.match(page.text, /data-sign-in="development"/);
    assert.doesNotMatch(page.text, /Fler händelser|Adele|Alex/);
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    assert.match(policy, /script-src 'self'(;|$)/);
  });

  it('answers every api request without a sign-in with why, in Swedish by default, and an outsider with who may read', async () => {
    const anonymous = await get(bot, agreementApi);
    assert.equal(anonymous.status, 401);
    assert.equal(
      readable(anonymous.text),
      'Du behöver logga in med ditt Teams-konto för att se uppföljningen. Öppna fliken i Teams.',
    );
    const stranger = await get(bot, `${agreementApi}?locale=en-gb`, as(outsider));
    assert.equal(stranger.status, 403);
    assert.match(readable(stranger.text), /^The follow-up is shown to those in the agreement's groups/);
    assert.doesNotMatch(stranger.text, /Målområde|Goal area/);
    const unknownPerson = await get(bot, agreementApi, as('00000000-0000-0000-0000-000000000999'));
    assert.equal(unknownPerson.status, 401, 'the development sign-in knows only the agreements’ people');
  });

  it('lists the people to sign in as, each with their role', async () => {
    const people = readable((await get(bot, '/tab/api/dev/people')).text);
    assert.match(people, /Alex Wilber \(samordnare\)/);
    assert.match(people, /Adele Vance \(medlem\)/);
    assert.match(people, /Utomstående Testperson \(inte med\)/);
  });

  it('shows a coordinator the goal areas, the open round with who has not reported, the indicators, decisions and downloads', async () => {
    const answer = await get(bot, agreementApi, as(users.alex.aadObjectId));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const text = readable(answer.text);
    assert.match(text, /Långsiktigt mål: Upplands Väsby kommun ska inte ha något kriminellt nätverk/);
    assert.match(text, /Läget 20 maj 2021 kl\. 10:30/, 'Stockholm time');
    assert.match(
      text,
      /Målområde 1: Minska antalet otrygghetsskapande händelser i offentlig miljö Gult: risk för försening/,
    );
    assert.match(text, /Målområde 2: .* Rött: försenad 1 Försenad 2 Ingen rapport/);
    assert.match(
      text,
      /1\.1 Gemensam lägesbild enligt EST Alla rapporter om 1\.1 Läser in rapporterna … Risk för försening Fler händelser vid stationen i april\. Alex Wilber, Megan Bowen \(Gemensam\) 4 maj 2021 kl\. 09:15 Alex Wilber/,
    );
    assert.match(text, /2021 kvartal 2: 2 av 9 insatser har rapporterat\./);
    assert.match(
      text,
      /Saknar rapport 1\.2 Trygghetsvandringar och platssamverkan i Väsby centrum – Alex Wilber/,
    );
    assert.doesNotMatch(text, /visas bara för samordnarna/);
    assert.match(
      text,
      /2021 kvartal 1 2021-02-01 131 2021 kvartal 2 2021-05-03 127,5/,
      'the indicator’s table',
    );
    assert.match(answer.text, /data-chart="\{&quot;title&quot;:&quot;1\.1 /);
    assert.match(
      text,
      /Behöver beslut i styrgruppen 1\.1 Gemensam lägesbild enligt EST \(4 maj 2021 kl\. 09:15\): Fler händelser/,
    );
    assert.match(
      text,
      /Utöka ordningsvakternas tider vid stationen\. insats 1\.1 Kommunens trygghetssamordnare 2021-05-01 2021-03-10 Försenat/,
    );
    assert.match(
      text,
      /Halvtidsuppföljningen görs i december 2021\. 1\. Hur samverkansformerna upplevs fungera Kommunen Inget svar ännu\. Polisen Megan Bowen: Veckomötena fungerar bra\. 2\. Hur insatsernas genomförande har fungerat Kommunen Inget svar ännu\. Polisen Inget svar ännu\. 3\./,
    );
    assert.match(
      text,
      /Ladda ner Skriftlig uppföljning till och med i dag \(Word\) Alla rapporter \(CSV för Excel\)/,
    );
  });

  it('shows a steering group member the same picture without the names of those who have not reported, and no downloads', async () => {
    const answer = await get(bot, `${agreementApi}?locale=en-us`, as(adele.aadObjectId));
    assert.equal(answer.status, 200);
    const text = readable(answer.text);
    assert.match(text, /Goal area 1: .* Yellow: at risk of delay/);
    assert.match(text, /2021 kvartal 2: 2 of 9 measures have reported\./);
    assert.match(text, /Not reported 1\.2 Trygghetsvandringar och platssamverkan i Väsby centrum 1\.3/);
    assert.doesNotMatch(text, /Väsby centrum –/);
    assert.match(text, /The names of those who have not reported are shown to the coordinators only\./);
    assert.match(text, /20 May 2021, 10:30/);
    assert.doesNotMatch(text, /Download|CSV/);
    const refused = await get(bot, `${agreementApi}/files/export?locale=en`, as(adele.aadObjectId));
    assert.equal(refused.status, 403);
  });

  it('opens a measure’s whole history, newest first', async () => {
    const answer = await get(bot, `${agreementApi}/measures/1.1`, as(adele.aadObjectId));
    assert.equal(answer.status, 200);
    assert.equal(
      readable(answer.text),
      'Risk för försening · Alex Wilber, 4 maj 2021 kl. 09:15 · Version 2 Fler händelser vid stationen i april. ' +
        'Indikatorvärde: 127,5 Ber styrgruppen om beslut ' +
        'Pågår enligt plan · Alex Wilber, 3 feb. 2021 kl. 10:00 · Version 1 Läget för 1.1, version 1. Indikatorvärde: 131',
    );
    assert.equal((await get(bot, `${agreementApi}/measures/9.9`, as(adele.aadObjectId))).status, 404);
  });

  it('gives a coordinator the reports as CSV and the written follow-up as Word, each recorded in the audit log', async () => {
    const csv = await get(bot, `${agreementApi}/files/export`, as(users.alex.aadObjectId));
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename\*=UTF-8''.+\.csv$/);
    assert.equal(csv.text.split('\n').length - 1, 4, 'a header and the three reports');
    const word = await fetch(`${bot.app.url}${agreementApi}/files/followUp`, {
      headers: { authorization: as(users.alex.aadObjectId) },
    });
    assert.equal(word.status, 200);
    assert.equal(
      Buffer.from(await word.arrayBuffer())
        .subarray(0, 2)
        .toString(),
      'PK',
      'a .docx is a zip',
    );
    const entries = (await new AuditLog(bot.store).all(exampleAgreementId)).filter(
      (e) => e.action === 'downloadFromTab',
    );
    assert.deepEqual(entries.map((e) => [e.actor.name, String(e.details.file).split('.').at(-1)]).sort(), [
      ['Alex Wilber', 'csv'],
      ['Alex Wilber', 'docx'],
    ]);
  });

  it('lists on the personal tab and the channel tab’s configuration the agreements the person takes part in', async () => {
    const home = readable(
      (await get(bot, '/tab/api/home?locale=sv&theme=contrast', as(adele.aadObjectId))).text,
    );
    assert.match(
      home,
      /^Dina överenskommelser Välj en överenskommelse .* Samverkansöverenskommelse mellan Upplands Väsby kommun och Lokalpolisområde Sollentuna 2021–2022$/,
    );
    const homeLinks = (await get(bot, '/tab/api/home?locale=sv&theme=contrast', as(adele.aadObjectId))).text;
    assert.match(
      homeLinks,
      new RegExp(`href="/tab/agreements/${exampleAgreementId}\\?locale=sv&amp;theme=contrast"`),
    );
    const config = await get(bot, '/tab/api/config?locale=en', as(users.alex.aadObjectId));
    assert.match(config.text, /type="radio"\s+name="agreement"/);
    assert.match(config.text, new RegExp(`value="${exampleAgreementId}"`));
    assert.match(
      readable(config.text),
      /^Show an agreement in the channel .* Agreement Samverkansöverenskommelse mellan/,
    );
    const none = readable((await get(bot, '/tab/api/config?locale=en', as(outsider))).text);
    assert.match(none, /You do not take part in any agreement followed up here, so you cannot add the tab\./);
  });

  it('refuses what is not there: another agreement, a made-up file, a measure that is not a number', async () => {
    const alex = as(users.alex.aadObjectId);
    assert.equal((await get(bot, '/tab/api/agreements/another-agreement', alex)).status, 404);
    assert.equal((await get(bot, `${agreementApi}/files/passwords`, alex)).status, 404);
    assert.equal((await get(bot, `${agreementApi}/measures/drop%20table`, alex)).status, 404);
    assert.equal((await get(bot, '/tab/assets/..%2Fpackage.json')).status, 404);
  });
});

describe('the dashboard tab, signed in through Teams (single sign-on token)', () => {
  const appId = '7a1d3c55-6f0b-4b8e-9d6c-2f4e8a1b0c9d';
  const domain = 'samverkansbot.example.se';
  const tenant = '3f2e1d0c-9b8a-4765-8432-10fedcba9876';
  const otherTenant = '11111111-2222-4333-8444-555555555555';
  let entra: Issuer;
  let key: CryptoKey;
  let bot: TestBot;

  const token = (claims: Record<string, unknown> = {}) => {
    const seconds = Math.floor(Date.now() / 1000);
    return new SignJWT({
      oid: adele.aadObjectId,
      tid: tenant,
      name: adele.name,
      aud: `api://${domain}/${appId}`,
      iss: `${entra.authority}/${tenant}/v2.0`,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt(seconds - 60)
      .setExpirationTime(seconds + 3600)
      .sign(key);
  };

  before(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    entra = await startEntra(new Map([[tenant, [jwk]]]));
    bot = await startTestBot({
      env: {
        AUTOMATIC_ROUNDS: 'off',
        SCHEDULER_INTERVAL_SECONDS: '0',
        MicrosoftAppId: appId,
        MicrosoftAppPassword: 'not-used-by-the-tab',
        MicrosoftAppTenantId: tenant,
        ALLOWED_TENANT_IDS: tenant,
        BOT_DOMAIN: domain,
        ENTRA_AUTHORITY: entra.authority,
      },
    });
  });
  after(async () => {
    await bot.close();
    await entra.close();
  });

  it('shows the dashboard to the person a valid token names', async () => {
    const page = await get(bot, `/tab/agreements/${exampleAgreementId}`);
    assert.match(page.text, /data-sign-in="teams"/);
    const answer = await get(bot, agreementApi, `Bearer ${await token()}`);
    assert.equal(answer.status, 200);
    assert.match(readable(answer.text), /Målområde 1: Minska antalet otrygghetsskapande händelser/);
  });

  it('refuses a token of another tenant or app, and the development sign-in', async () => {
    const foreign = await token({ tid: otherTenant, iss: `${entra.authority}/${otherTenant}/v2.0` });
    assert.equal((await get(bot, agreementApi, `Bearer ${foreign}`)).status, 401);
    const otherApp = await token({ aud: `api://${domain}/00000000-1111-4222-8333-444444444444` });
    assert.equal((await get(bot, agreementApi, `Bearer ${otherApp}`)).status, 401);
    assert.equal((await get(bot, agreementApi, `Dev ${users.alex.aadObjectId}`)).status, 401);
    assert.equal((await get(bot, '/tab/api/dev/people')).status, 404);
  });
});

describe('the dashboard tab in production without BOT_DOMAIN', () => {
  let bot: TestBot;
  const tenant = '3f2e1d0c-9b8a-4765-8432-10fedcba9876';

  before(async () => {
    bot = await startTestBot({
      env: {
        NODE_ENV: 'production',
        SCHEDULER_INTERVAL_SECONDS: '0',
        MicrosoftAppId: '7a1d3c55-6f0b-4b8e-9d6c-2f4e8a1b0c9d',
        MicrosoftAppPassword: 'not-used-by-the-tab',
        MicrosoftAppTenantId: tenant,
        ALLOWED_TENANT_IDS: tenant,
      },
    });
  });
  after(async () => {
    await bot.close();
  });

  it('signs no one in, not even by the development sign-in, and says what is missing', async () => {
    const answer = await get(bot, agreementApi, `Dev ${users.alex.aadObjectId}`);
    assert.equal(answer.status, 503);
    assert.equal(
      readable(answer.text),
      'Fliken är inte konfigurerad: BOT_DOMAIN och MicrosoftAppId behövs för inloggning. Se docs/deployment.md.',
    );
    assert.equal((await get(bot, '/tab/api/dev/people')).status, 404);
  });
});

describe('the dashboard tab while storage is unreachable', () => {
  let azurite: LocalAzurite;
  let bot: TestBot;
  let location: string;
  let port: number;

  before(async () => {
    location = await mkdtemp(join(tmpdir(), 'azurite-tab-outage-'));
    port = await freePort();
    azurite = await startLocalAzurite({ location, port });
    bot = await startTestBot({ azurite, env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
  });
  after(async () => {
    await bot.close();
    await azurite.stop();
  });

  it('answers a sentence in the person’s language, and the dashboard again once storage is back', async () => {
    await azurite.stop();
    const failed = await get(bot, `${agreementApi}?locale=en`, `Dev ${users.alex.aadObjectId}`);
    assert.equal(failed.status, 500);
    assert.equal(readable(failed.text), 'Something went wrong. Reload the tab to try again.');
    azurite = await startLocalAzurite({ location, port });
    const again = await get(bot, agreementApi, `Dev ${users.alex.aadObjectId}`);
    assert.equal(again.status, 200);
    assert.match(readable(again.text), /Målområde 1:/);
  });
});
