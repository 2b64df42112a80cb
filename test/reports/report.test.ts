import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { DateTime } from 'luxon';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import type { ReportReviewAnswer } from '../../src/domain/followUpReport.js';
import type { ReviewAnswer } from '../../src/domain/midTermReview.js';
import type { Report } from '../../src/domain/report.js';
import {
  buildFollowUpReport,
  FollowUpReportError,
  swedishLabels,
  type FollowUpReportSources,
} from '../../src/features/reports/followUpReportFile.js';
import { startLocalAzurite } from '../../src/storage/localAzurite.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { ReportRepository } from '../../src/storage/reportRepository.js';
import { ReviewRepository } from '../../src/storage/reviewRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { TableStore } from '../../src/storage/tableStore.js';
import { startTestStore, type TestStore } from '../harness/store.js';

const zone = 'Europe/Stockholm';
const labels = swedishLabels();
const alex = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
const megan = { aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' };
const patti = { aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez' };
/** The steering meeting of 10 June 2021 starts at 13:00 Stockholm time (CEST), 11:00 UTC. */
const juneMeetingStart = Date.parse('2021-06-10T11:00:00.000Z');

/** A year of follow-up, as the bot would have stored it. */
function seedRounds(agreementId: string, measureIds: string[]): CheckInRound[] {
  const round = (id: string, label: string, openedAt: string, closedAt: string): CheckInRound => ({
    id,
    agreementId,
    label,
    trigger: id.startsWith('m') ? 'steeringMeeting' : 'quarterly',
    measureIds,
    openedAt,
    status: 'closed',
    closedAt,
  });
  return [
    round('q1', '2021 kvartal 1', '2021-02-01T08:00:00.000Z', '2021-02-26T16:00:00.000Z'),
    round('m1', 'inför styrgruppen 2021-06-10', '2021-05-27T07:00:00.000Z', '2021-06-09T15:00:00.000Z'),
    round('q3', '2021 kvartal 3', '2021-09-01T07:00:00.000Z', '2021-09-30T15:00:00.000Z'),
    round('m2', 'inför styrgruppen 2021-11-25', '2021-11-11T08:00:00.000Z', '2021-11-26T08:00:00.000Z'),
  ];
}

function seedReports(agreementId: string): Report[] {
  const report = (
    measureId: string,
    revision: number,
    fields: Partial<Report> & Pick<Report, 'status' | 'reportedAt' | 'narrative'>,
  ): Report => ({
    agreementId,
    measureId,
    revision,
    needsSteeringDecision: false,
    reportedBy: alex,
    ...fields,
  });
  return [
    report('1.1', 1, {
      status: 'notStarted',
      roundId: 'q1',
      indicatorValue: 138,
      narrative: 'Lägesbilden tas fram varannan vecka.',
      reportedAt: '2021-02-03T09:00:00.000Z',
    }),
    report('1.1', 2, {
      status: 'onTrack',
      roundId: 'm1',
      indicatorValue: 133,
      narrative: 'Lägesbilden tas fram varje vecka.',
      reportedAt: '2021-05-28T07:30:00.000Z',
    }),
    // A correction in the same round: the newest value counts for the round.
    report('1.1', 3, {
      status: 'onTrack',
      roundId: 'm1',
      indicatorValue: 131.5,
      narrative: 'Lägesbilden tas fram varje vecka; maj rättad.',
      reportedAt: '2021-05-31T07:30:00.000Z',
    }),
    report('1.1', 4, {
      status: 'onTrack',
      roundId: 'q3',
      indicatorValue: 124,
      narrative: 'Färre händelser kring stationen.',
      reportedAt: '2021-09-02T10:00:00.000Z',
    }),
    report('1.1', 5, {
      status: 'onTrack',
      roundId: 'm2',
      indicatorValue: 118,
      narrative: 'Trenden håller i sig.',
      reportedAt: '2021-11-12T10:00:00.000Z',
    }),
    report('1.2', 1, {
      status: 'notStarted',
      roundId: 'q1',
      narrative: 'Planeras till våren.',
      reportedAt: '2021-02-04T09:00:00.000Z',
    }),
    // Given during the June meeting (14:30 CEST): not in that meeting's report, but in the later ones.
    report('1.2', 2, {
      status: 'onTrack',
      indicatorValue: 2,
      narrative: 'Väktare & ordningsvakter | kvällstid *extra* <fredag>.',
      reportedAt: '2021-06-10T12:30:00.000Z',
    }),
    report('1.3', 1, {
      status: 'atRisk',
      roundId: 'm1',
      indicatorValue: 44,
      narrative: 'Kamerorna är uppsatta.',
      obstacles: 'Tillståndet för ordningsvakter går ut i augusti.',
      nextStep: 'Kommunen ansöker om förlängning.',
      reportedBy: megan,
      reportedAt: '2021-05-31T12:00:00.000Z',
    }),
    report('2.1', 1, {
      status: 'onTrack',
      roundId: 'q1',
      indicatorValue: 5,
      narrative: 'Två nya ärenden i SIG.',
      reportedBy: patti,
      reportedAt: '2021-02-05T09:00:00.000Z',
    }),
    report('2.1', 2, {
      status: 'delayed',
      roundId: 'm1',
      indicatorValue: 6,
      narrative: 'Socialtjänsten saknar två tjänster.',
      obstacles: 'Rekryteringen har dragit ut på tiden.',
      nextStep: 'Styrgruppen beslutar om tillfällig förstärkning.',
      needsSteeringDecision: true,
      reportedBy: patti,
      reportedAt: '2021-06-01T08:00:00.000Z',
    }),
    report('2.1', 3, {
      status: 'onTrack',
      roundId: 'q3',
      indicatorValue: 9,
      narrative: 'Förstärkningen är på plats.',
      reportedBy: patti,
      reportedAt: '2021-09-03T08:00:00.000Z',
    }),
    report('3.2', 1, {
      status: 'done',
      roundId: 'm2',
      indicatorValue: 64,
      narrative: 'Alla berörda är utbildade.',
      reportedBy: megan,
      reportedAt: '2021-11-15T13:00:00.000Z',
    }),
  ];
}

/** Mid-term review submits as the review card stores them: one per person and organisation, every question. */
function seedReview(agreementId: string): ReviewAnswer[] {
  const submit = (
    who: typeof alex,
    organisation: 'kommun' | 'polis',
    answeredAt: string,
    answers: string[],
  ) => ({
    agreementId,
    organisation,
    answers,
    answeredBy: who,
    answeredAt,
  });
  return [
    // Replaced by the same person's later submit.
    submit(alex, 'kommun', '2021-12-06T09:00:00.000Z', ['Första utkastet.', '', '']),
    submit(alex, 'kommun', '2021-12-08T09:00:00.000Z', [
      'Samverkan i EST fungerar väl; styrgruppen bör träffas oftare.',
      '',
      'Färre otrygghetsskapande händelser kring stationen.',
    ]),
    submit(megan, 'polis', '2021-12-09T14:00:00.000Z', [
      'Bra, men återkopplingen till arbetsgrupperna dröjer.',
      'De flesta insatser följer planen.',
      '',
    ]),
    // After the report's date of 2021-12-31: not in that report.
    submit(patti, 'kommun', '2022-01-10T09:00:00.000Z', ['Svar efter årsskiftet.', '', '']),
  ];
}

/** What a reader of the Word document sees: paragraphs in order, and each table row as its cells' text. */
interface DocxText {
  paragraphs: string[];
  rows: string[][];
  all: string;
  parts: string[];
  xml: (path: string) => Promise<string>;
}

async function readDocx(bytes: Uint8Array): Promise<DocxText> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = async (path: string) => {
    const file = zip.file(path);
    assert.ok(file, `${path} in the .docx`);
    return file.async('string');
  };
  const document = await xml('word/document.xml');
  const paragraphText = (p: string) =>
    [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)]
      .map((m) => (m[0] === '<w:br/>' ? '\n' : decode(m[1] ?? '')))
      .join('');
  const paragraphsOf = (xmlText: string) =>
    [...xmlText.matchAll(/<w:p[ >].*?<\/w:p>/gs)].map((m) => paragraphText(m[0]));
  const rows = [...document.matchAll(/<w:tr[ >].*?<\/w:tr>/gs)].map((tr) =>
    [...tr[0].matchAll(/<w:tc>.*?<\/w:tc>/gs)].map((tc) => paragraphsOf(tc[0]).join('\n')),
  );
  const paragraphs = paragraphsOf(document);
  return { paragraphs, rows, all: paragraphs.join('\n'), parts: Object.keys(zip.files), xml };
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Markdown's escapes undone, to compare what a reader sees with what is stored. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_[\]|~])/g, '$1').replace(/&lt;/g, '<');
}

const stockholm = (iso: string) =>
  DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM-dd HH:mm');

describe('the written follow-up report from storage (Word and Markdown, Azurite)', () => {
  let storage: TestStore;
  let sources: FollowUpReportSources;
  let agreement: Agreement;
  let stored: Report[];
  let storedRounds: CheckInRound[];

  before(async () => {
    storage = await startTestStore();
    const { store } = storage;
    agreement = await loadAgreementFile('agreements/example.yaml');
    sources = {
      plans: new PlanRepository(store),
      reports: new ReportRepository(store),
      rounds: new RoundRepository(store),
      reviews: new ReviewRepository(store),
    };
    await sources.plans.sync(agreement);
    for (const round of seedRounds(
      agreement.id,
      agreement.measures.map((m) => m.id),
    )) {
      assert.equal(await sources.rounds.open(round), true);
    }
    await sources.reports.importHistory(seedReports(agreement.id));
    for (const answer of seedReview(agreement.id)) await sources.reviews?.add(answer);
    // What the report must match is what storage holds, read back.
    stored = await sources.reports.allHistory(agreement.id);
    storedRounds = await sources.rounds.list(agreement.id);
    assert.equal(stored.length, 12);
  });
  const tempDirs: string[] = [];
  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
  };
  after(async () => {
    await storage.close();
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const build = (options: {
    scope: { kind: 'meeting' | 'until'; date: string };
    format: 'docx' | 'md';
    reviewAnswers?: ReportReviewAnswer[];
  }) =>
    buildFollowUpReport(sources, {
      agreementId: agreement.id,
      scope: options.scope,
      format: options.format,
      now: new Date('2023-01-16T09:00:00.000Z'),
      timeZone: zone,
      ...(options.reviewAnswers ? { reviewAnswers: options.reviewAnswers } : {}),
    });

  /** Each measure's newest stored report before a moment, computed here independently of the report code. */
  const latestBefore = (ms: number) => {
    const latest = new Map<string, Report>();
    for (const r of stored) {
      if (Date.parse(r.reportedAt) >= ms) continue;
      const kept = latest.get(r.measureId);
      if (!kept || r.revision > kept.revision) latest.set(r.measureId, r);
    }
    return latest;
  };
  const lightWord = (r: Report | undefined) =>
    !r ? 'Grå' : r.status === 'delayed' ? 'Röd' : r.status === 'atRisk' ? 'Gul' : 'Grön';

  it('writes a .docx for the June meeting whose text matches storage as it was when the meeting began', async () => {
    const file = await build({ scope: { kind: 'meeting', date: '2021-06-10' }, format: 'docx' });
    assert.equal(file.name, 'skriftlig-uppfoljning-styrgruppen-2021-06-10.docx');
    const doc = await readDocx(file.bytes);

    assert.equal(doc.paragraphs[0], 'Skriftlig uppföljning inför styrgruppens möte 10 juni 2021 kl. 13:00');
    assert.ok(doc.paragraphs.includes(agreement.title));
    const facts = new Map(doc.rows.filter((r) => r.length === 2).map(([k, v]) => [k, v]));
    assert.equal(facts.get('Parter'), agreement.parties.map((p) => p.organisation).join('\n'));
    assert.equal(
      facts.get('Undertecknad'),
      [
        `${agreement.signedOn} i ${agreement.signedAt}`,
        ...agreement.parties.map((p) => `${p.signatory.name}, ${p.signatory.title}`),
      ].join('\n'),
    );
    assert.equal(facts.get('Giltighetstid'), `${agreement.validFrom} – ${agreement.validTo}`);
    assert.equal(facts.get('Förlängningar'), 'Inga');
    assert.equal(facts.get('Samverkansområde'), agreement.cooperationArea);
    assert.equal(facts.get('Långsiktigt mål'), agreement.longTermGoal);
    for (const g of agreement.goalAreas) {
      assert.ok(doc.paragraphs.includes(`Målområde ${g.number}: ${g.title}`), `goal area ${g.number}`);
    }

    const latest = latestBefore(juneMeetingStart);
    for (const m of agreement.measures) {
      const r = latest.get(m.id);
      const row = doc.rows.find((cells) => cells[0] === `${m.id} ${m.title}`);
      assert.ok(row, `a row for ${m.id}`);
      assert.equal(row[1], lightWord(r), `light of ${m.id}`);
      assert.equal(
        row[2]?.split('\n')[0],
        r ? labels.statuses[r.status] : 'Ingen rapport',
        `status of ${m.id}`,
      );
      assert.equal(row[3], labels.organisations[m.ownerOrganisation]);
      assert.equal(row[4], m.owners.map((o) => o.name).join('\n'));
      assert.equal(row[5], r ? `${stockholm(r.reportedAt)}, ${r.reportedBy.name}` : '');
    }
    // Spot checks against the seed, so the independent computation above cannot drift along with the code.
    const statusOf = (id: string) => doc.rows.find((c) => c[0]?.startsWith(`${id} `))?.slice(1, 3);
    assert.deepEqual(statusOf('2.1'), ['Röd', 'Försenad\nTidigare: Pågår enligt plan']);
    assert.deepEqual(statusOf('1.2'), ['Grön', 'Ej påbörjad']);
    assert.deepEqual(statusOf('3.2'), ['Grå', 'Ingen rapport']);

    assert.match(
      doc.all,
      /Risker och hinder\n1\.3 Kamerabevakning[^\n]* – Risk för försening \(2021-05-31 14:00, Megan Bowen\)/,
    );
    assert.match(doc.all, /Hinder: Tillståndet för ordningsvakter går ut i augusti\./);
    assert.match(
      doc.all,
      /Önskemål om beslut i styrgruppen\n2\.1 Sociala insatsgrupper för unga i riskzonen – Försenad \(2021-06-01 10:00, Patti Fernandez\)/,
    );

    const history = stored
      .filter((r) => Date.parse(r.reportedAt) < juneMeetingStart)
      .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
    const historyStart = doc.rows.findIndex((r) => r[0] === 'Datum' && r[5] === 'Beskrivning');
    assert.ok(historyStart > 0, 'the history table');
    const appendix = doc.rows.slice(historyStart + 1);
    assert.equal(appendix.length, history.length);
    history.forEach((r, i) => {
      const label = storedRounds.find((round) => round.id === r.roundId)?.label;
      const measure = agreement.measures.find((m) => m.id === r.measureId);
      assert.deepEqual(appendix[i], [
        stockholm(r.reportedAt),
        `${r.measureId} ${measure?.title}${label ? `\n${label}` : ''}`,
        String(r.revision),
        labels.statuses[r.status],
        r.reportedBy.name,
        r.narrative,
      ]);
    });
    assert.doesNotMatch(doc.all, /Väktare/, 'the report given during the meeting is left out');

    assert.match(
      doc.all,
      /Halvtidsuppföljning \(december 2021\)\nHalvtidsuppföljningen görs i december 2021\./,
    );
    agreement.midTermReview.questions.forEach((q, i) => {
      assert.ok(doc.paragraphs.includes(`${i + 1}. ${q}`), `review question ${i + 1}`);
    });

    // Landscape appendix after the portrait report.
    const document = await doc.xml('word/document.xml');
    assert.deepEqual(
      [...document.matchAll(/<w:pgSz [^>]*w:orient="(\w+)"/g)].map((m) => m[1]),
      ['portrait', 'landscape'],
    );
  });

  it('gives each indicator its values per round, as a table and as a native Word chart of the same values', async () => {
    const file = await build({ scope: { kind: 'until', date: '2021-12-31' }, format: 'docx' });
    const doc = await readDocx(file.bytes);
    const start = doc.paragraphs.indexOf(
      '1.1 Otrygghetsskapande händelser i offentlig miljö enligt EST (händelser per månad)',
    );
    assert.ok(start > 0);
    assert.equal(
      doc.paragraphs[start + 1],
      'Utgångsvärde 140 · Målvärde 110 · Senaste värde 118 (inför styrgruppen 2021-11-25, 2021-11-11)',
    );
    const table = doc.rows.filter(
      (r) => r.length === 3 && /^(2021 kvartal|inför styrgruppen)/.test(r[0] ?? ''),
    );
    assert.deepEqual(table.slice(0, 4), [
      ['2021 kvartal 1', '2021-02-01', '138'],
      ['inför styrgruppen 2021-06-10', '2021-05-27', '131,5'],
      ['2021 kvartal 3', '2021-09-01', '124'],
      ['inför styrgruppen 2021-11-25', '2021-11-11', '118'],
    ]);
    const charts = doc.parts.filter((p) => /^word\/charts\/chart\d+\.xml$/.test(p));
    assert.equal(
      charts.length,
      agreement.measures.filter(
        (m) =>
          m.followUp.indicator && stored.some((r) => r.measureId === m.id && r.indicatorValue !== undefined),
      ).length,
    );
    const chart = await doc.xml('word/charts/chart1.xml');
    const values = [...chart.matchAll(/<c:v>([^<]*)<\/c:v>/g)].map((m) => m[1]);
    for (const v of ['138', '131.5', '124', '118', 'Värde', 'Målvärde', 'Utgångsvärde', '2021 kvartal 1']) {
      assert.ok(values.includes(v), `${v} in the chart's data`);
    }
  });

  it('shows review answers given to it under their questions, instead of the stored ones', async () => {
    const [first, second, third] = agreement.midTermReview.questions;
    assert.ok(first && second && third);
    const answers: ReportReviewAnswer[] = [
      {
        question: first,
        organisation: 'kommun',
        answer: 'EST-mötena fungerar väl.',
        answeredBy: 'Alex Wilber',
      },
      {
        question: first,
        organisation: 'polis',
        answer: 'Bra, men tätare återkoppling behövs.',
        answeredBy: 'Megan Bowen',
      },
      {
        question: third,
        organisation: 'polis',
        answer: 'Färre händelser kring stationen.',
        answeredBy: 'Megan Bowen',
      },
    ];
    const file = await build({
      scope: { kind: 'until', date: '2021-12-31' },
      format: 'docx',
      reviewAnswers: answers,
    });
    const doc = await readDocx(file.bytes);
    const at = (q: string) => doc.paragraphs.indexOf(q);
    const q1 = at(`1. ${first}`);
    assert.ok(q1 > 0);
    assert.deepEqual(doc.paragraphs.slice(q1 + 1, q1 + 3), [
      'Kommunen (Alex Wilber): EST-mötena fungerar väl.',
      'Polisen (Megan Bowen): Bra, men tätare återkoppling behövs.',
    ]);
    assert.equal(doc.paragraphs[at(`2. ${second}`) + 1], 'Inget svar ännu.');
    assert.equal(
      doc.paragraphs[at(`3. ${third}`) + 1],
      'Polisen (Megan Bowen): Färre händelser kring stationen.',
    );
    assert.doesNotMatch(doc.all, /Inga svar har lämnats ännu/);
    assert.doesNotMatch(doc.all, /Samverkan i EST fungerar väl/, 'answers given win over the stored ones');
  });

  it('writes the same report as Markdown, with text from people escaped so that tables hold', async () => {
    const file = await build({ scope: { kind: 'until', date: '2021-12-31' }, format: 'md' });
    assert.equal(file.name, 'skriftlig-uppfoljning-till-och-med-2021-12-31.md');
    const md = new TextDecoder().decode(file.bytes);
    const plain = unescapeMarkdown(md);
    assert.match(
      md,
      /^# Skriftlig uppföljning av samverkansöverenskommelsen till och med 31 december 2021\n/,
    );
    assert.ok(plain.includes(`**Parter:** ${agreement.parties.map((p) => p.organisation).join(' och ')}`));
    assert.ok(plain.includes(`**Giltighetstid:** ${agreement.validFrom} – ${agreement.validTo}`));
    assert.ok(plain.includes(`**Undertecknad:** ${agreement.signedOn} i ${agreement.signedAt} av`));
    for (const p of agreement.parties) assert.ok(plain.includes(`${p.signatory.name}, ${p.signatory.title}`));

    const latest = latestBefore(Date.parse('2021-12-31T23:00:00.000Z'));
    const tableRows = md.split('\n').filter((l) => l.startsWith('| **'));
    for (const m of agreement.measures) {
      const r = latest.get(m.id);
      const line = tableRows.find((l) => l.startsWith(`| **${m.id}** `));
      assert.ok(line, `a row for ${m.id}`);
      const cells = splitRow(line);
      assert.equal(cells[1], lightWord(r));
      assert.equal(
        unescapeMarkdown(cells[2] ?? '').split('<br>')[0],
        r ? labels.statuses[r.status] : 'Ingen rapport',
      );
      assert.equal(unescapeMarkdown(cells[4] ?? ''), m.owners.map((o) => o.name).join(', '));
    }

    const history = [...stored].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
    const historyRows = md
      .slice(md.indexOf('## Bilaga: Rapporthistorik'))
      .split('\n')
      .filter((l) => /^\| \d{4}-/.test(l))
      .map(splitRow);
    assert.equal(historyRows.length, history.length);
    history.forEach((r, i) => {
      const cells = historyRows[i] ?? [];
      assert.equal(cells[0], stockholm(r.reportedAt));
      assert.ok(cells[1]?.startsWith(`**${r.measureId}** `));
      assert.equal(cells[2], String(r.revision));
      assert.equal(cells[3], labels.statuses[r.status]);
      assert.equal(cells[4], r.reportedBy.name);
      assert.equal(unescapeMarkdown(cells[5] ?? ''), r.narrative);
    });
    // `|`, `*` and `<` from a narrative neither split the row nor format nor open HTML.
    assert.ok(md.includes('Väktare & ordningsvakter \\| kvällstid \\*extra\\* &lt;fredag>.'));

    // The stored review: the newest answer of each person given by the report's date, the municipality first.
    const [first, second, third] = agreement.midTermReview.questions;
    assert.ok(
      md.includes(
        [
          '## Halvtidsuppföljning (december 2021)',
          '',
          `### 1. ${first}`,
          '',
          '- **Kommunen** (Alex Wilber): Samverkan i EST fungerar väl; styrgruppen bör träffas oftare.',
          '- **Polisen** (Megan Bowen): Bra, men återkopplingen till arbetsgrupperna dröjer.',
          '',
          `### 2. ${second}`,
          '',
          '- **Polisen** (Megan Bowen): De flesta insatser följer planen.',
          '',
          `### 3. ${third}`,
          '',
          '- **Kommunen** (Alex Wilber): Färre otrygghetsskapande händelser kring stationen.',
        ].join('\n'),
      ),
      md.slice(md.indexOf('## Halvtidsuppföljning'), md.indexOf('## Bilaga')),
    );
    assert.doesNotMatch(md, /Första utkastet|efter årsskiftet/);
    for (const q of agreement.midTermReview.questions) assert.ok(md.includes(q));
    assert.match(md, /\| 2021 kvartal 1 \| 2021-02-01 \| 138 \|/);
  });

  it('refuses a meeting that is not planned, naming the planned ones', async () => {
    await assert.rejects(build({ scope: { kind: 'meeting', date: '2021-06-11' }, format: 'docx' }), (err) => {
      assert.ok(err instanceof FollowUpReportError);
      assert.deepEqual(err.problem, {
        kind: 'unknownMeeting',
        date: '2021-06-11',
        planned: ['2021-06-10', '2021-11-25', '2022-05-12', '2022-11-17'],
      });
      return true;
    });
  });

  describe('npm run report', () => {
    it('writes the file, prints its path and exits 0', async () => {
      const out = await tempDir('report-');
      const run = await runReport(['--meeting', '2021-06-10', '--out', out], {
        STORAGE_CONNECTION_STRING: storage.azurite.connectionString,
      });
      assert.equal(run.code, 0, run.stderr);
      const path = join(out, 'skriftlig-uppfoljning-styrgruppen-2021-06-10.docx');
      assert.equal(run.stdout.trim(), path);
      const doc = await readDocx(await readFile(path));
      assert.deepEqual(doc.rows.find((c) => c[0]?.startsWith('2.1 '))?.slice(1, 3), [
        'Röd',
        'Försenad\nTidigare: Pågår enligt plan',
      ]);

      const md = await runReport(
        ['--until', '2021-12-31', '--format', 'md', '--out', join(out, 'rapport.md')],
        {
          STORAGE_CONNECTION_STRING: storage.azurite.connectionString,
        },
      );
      assert.equal(md.code, 0, md.stderr);
      const written = await readFile(join(out, 'rapport.md'), 'utf8');
      assert.match(written, /Väktare & ordningsvakter/);
      assert.match(written, /- \*\*Polisen\*\* \(Megan Bowen\): De flesta insatser följer planen\./);
    });

    for (const [args, message] of [
      [['--format', 'pdf'], /^Invalid argument: --format expects docx or md\./],
      [['--meeting', '2021-13-01'], /^Invalid argument: --meeting is not a valid calendar date\./],
      [['--until', '10 juni'], /^Invalid argument: --until expects a date as YYYY-MM-DD\./],
      [['--meeting', '2021-06-10', '--until', '2021-12-31'], /--meeting and --until cannot be combined/],
      [['--colour', 'red'], /^Invalid argument: Unknown option '--colour'\./],
      [
        ['--meeting', '2021-06-11'],
        /^No steering meeting is planned on 2021-06-11; the planned ones are 2021-06-10, /,
      ],
    ] as const) {
      it(`exits 2 with one line on ${args.join(' ')}`, async () => {
        const out = await tempDir('report-');
        const run = await runReport([...args, '--out', out], {
          STORAGE_CONNECTION_STRING: storage.azurite.connectionString,
        });
        assert.equal(run.code, 2);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
        assert.match(run.stderr, message);
        assert.equal(run.stdout, '');
        assert.deepEqual(await readdir(out), []);
      });
    }

    it('without a storage setting, reads a copy of the local Azurite data and leaves DATA_DIR as it was', async () => {
      const dataDir = await tempDir('report-data-');
      const local = await startLocalAzurite({ location: join(dataDir, 'azurite') });
      const store = new TableStore({ connectionString: local.connectionString });
      await store.createTables();
      await new PlanRepository(store).sync(agreement);
      await new ReportRepository(store).importHistory(
        seedReports(agreement.id).filter((r) => r.measureId === '2.1'),
      );
      // Azurite saves its data file every five seconds; wait for the seed to be on disk, as a running bot's is.
      const dbFile = join(dataDir, 'azurite', '__azurite_db_table__.json');
      for (
        let i = 0;
        i < 100 && !(await readFile(dbFile, 'utf8')).includes('Förstärkningen är på plats.');
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await local.stop();
      const before = { hash: hash(await readFile(dbFile)), ...pick(await stat(dbFile)) };

      const out = await tempDir('report-');
      const run = await runReport(['--until', '2021-12-31', '--format', 'md', '--out', out], {
        DATA_DIR: dataDir,
      });
      assert.equal(run.code, 0, run.stderr);
      const md = await readFile(run.stdout.trim(), 'utf8');
      assert.match(
        md,
        /\| \*\*2\.1\*\* Sociala insatsgrupper för unga i riskzonen \| Grön \| Pågår enligt plan/,
      );
      assert.match(md, /\| \*\*1\.1\*\* Gemensam lägesbild enligt EST \| Grå \| Ingen rapport/);
      // Azurite rewrites its file when it starts on it (a new file renamed over the old one), even unchanged.
      assert.deepEqual({ hash: hash(await readFile(dbFile)), ...pick(await stat(dbFile)) }, before);
      assert.deepEqual(await readdir(join(dataDir, 'azurite')), ['__azurite_db_table__.json']);
    });
  });
});

function splitRow(line: string): string[] {
  // Cells are separated by ` | `; an escaped `\|` inside a cell is not a separator.
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim());
}

function pick(stats: { ino: number; mtimeMs: number }) {
  return { ino: stats.ino, mtimeMs: stats.mtimeMs };
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The report command as a process, as `npm run report -- …` runs it. */
function runReport(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=DEP0111', 'src/features/reports/cli.ts', ...args],
      {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
