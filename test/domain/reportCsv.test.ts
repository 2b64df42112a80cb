import assert from 'node:assert/strict';
import type { Agreement, Measure } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import type { Report } from '../../src/domain/report.js';
import {
  exportFileName,
  reportCsv,
  reportsInScope,
  type ReportCsvLabels,
} from '../../src/domain/reportCsv.js';

const agreementId = 'testkommun-2021';
const header =
  'Omgång;Insats;Insatsens namn;Målområde;Ansvarig organisation;Läge;Beskrivning;Hinder;Nästa steg;' +
  'Indikatorvärde;Behöver beslut i styrgruppen;Rapporterad av;Rapporterad;Version';

const labels: ReportCsvLabels = {
  statuses: {
    notStarted: 'Ej påbörjad',
    onTrack: 'Pågår enligt plan',
    atRisk: 'Risk för försening',
    delayed: 'Försenad',
    done: 'Genomförd',
    cancelled: 'Avbruten',
  },
  organisations: { kommun: 'Kommunen', polis: 'Polisen', gemensam: 'Gemensam' },
};

function measure(id: string, title: string, ownerOrganisation: Measure['ownerOrganisation']): Measure {
  return {
    id,
    goalArea: Number(id.split('.')[0]),
    title,
    ownerOrganisation,
    owners: [{ aadObjectId: 'a', name: 'Alex' }],
    communication: { communicate: false },
    followUp: { cadence: 'quarterly' },
  };
}

const agreement: Pick<Agreement, 'measures' | 'goalAreas'> = {
  goalAreas: [
    { number: 1, title: 'Trygghet i centrum' },
    { number: 2, title: 'Färre unga i kriminalitet' },
  ],
  measures: [
    measure('1.1', 'Ordningsvakter', 'kommun'),
    measure('1.2', 'Trygghetsvandringar', 'gemensam'),
    measure('1.10', 'Belysning', 'kommun'),
    measure('2.1', 'Sociala insatsgrupper', 'polis'),
  ],
};

const rounds: CheckInRound[] = [
  {
    id: 'q1',
    agreementId,
    label: '2021 kvartal 1',
    trigger: 'manual',
    measureIds: ['1.1', '1.2'],
    openedAt: '2021-02-01T08:00:00.000Z',
    status: 'closed',
  },
  {
    id: 'q2',
    agreementId,
    label: '2021 kvartal 2',
    trigger: 'manual',
    measureIds: ['1.1', '1.2'],
    openedAt: '2021-05-03T08:00:00.000Z',
    status: 'open',
  },
];

function report(measureId: string, revision: number, fields: Partial<Report> = {}): Report {
  return {
    agreementId,
    measureId,
    revision,
    status: 'onTrack',
    narrative: 'Enligt plan.',
    needsSteeringDecision: false,
    reportedBy: { aadObjectId: 'a', name: 'Alex Wilber' },
    reportedAt: '2021-02-03T09:00:00.000Z',
    ...fields,
  };
}

const csv = (reports: Report[]) =>
  reportCsv({ agreement, reports, rounds, timeZone: 'Europe/Stockholm', labels });
/** The line of the only report, without the header and the line end. */
const onlyRow = (fields: Partial<Report>) => {
  const text = csv([report('1.1', 1, fields)]);
  return text.slice(`\uFEFF${header}\r\n`.length, -2);
};

describe('the reports as CSV for Excel in Swedish', () => {
  it('starts with the UTF-8 byte order mark and a Swedish header, separates with ; and ends lines with CRLF', () => {
    const text = csv([
      report('1.2', 1, { roundId: 'q1', status: 'notStarted' }),
      report('2.1', 1, {
        roundId: 'q2',
        status: 'delayed',
        obstacles: 'Saknar lokal',
        nextStep: 'Hitta lokal',
        indicatorValue: 12,
        needsSteeringDecision: true,
        reportedBy: { aadObjectId: 'p', name: 'Patti Fernandez' },
        reportedAt: '2021-05-05T09:00:00.000Z',
      }),
    ]);
    assert.equal(
      text,
      `\uFEFF${header}\r\n` +
        '2021 kvartal 1;1.2;Trygghetsvandringar;1. Trygghet i centrum;Gemensam;Ej påbörjad;Enligt plan.;;;;Nej;' +
        'Alex Wilber;2021-02-03 10:00;1\r\n' +
        '2021 kvartal 2;2.1;Sociala insatsgrupper;2. Färre unga i kriminalitet;Polisen;Försenad;Enligt plan.;' +
        'Saknar lokal;Hitta lokal;12;Ja;Patti Fernandez;2021-05-05 11:00;1\r\n',
    );
    assert.deepEqual([...Buffer.from(text, 'utf8').subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  });

  it('quotes fields with ;, ", CR or LF as RFC 4180 says, doubling the quotes', () => {
    assert.match(onlyRow({ narrative: 'Möte; sedan uppföljning' }), /;"Möte; sedan uppföljning";/);
    assert.match(onlyRow({ narrative: 'Kallas "Nattvandrarna"' }), /;"Kallas ""Nattvandrarna""";/);
    assert.match(onlyRow({ narrative: 'Rad ett\nRad två' }), /;"Rad ett\nRad två";/);
    assert.match(onlyRow({ narrative: 'Rad ett\r\nRad två' }), /;"Rad ett\r\nRad två";/);
    assert.match(onlyRow({ narrative: 'Bara text, med komma' }), /;Bara text, med komma;/);
  });

  it('writes numbers with a decimal comma and never as an exponent', () => {
    const indicator = (value: number) => onlyRow({ indicatorValue: value }).split(';')[9];
    assert.equal(indicator(3.5), '3,5');
    assert.equal(indicator(-2.25), '-2,25');
    assert.equal(indicator(12), '12');
    assert.equal(indicator(0.1 + 0.2), '0,30000000000000004');
    assert.equal(indicator(1e21), '1000000000000000000000');
    assert.equal(indicator(1e-7), '0,0000001');
  });

  it('makes text that Excel would run as a formula plain text with a leading apostrophe', () => {
    assert.match(
      onlyRow({ narrative: '=HYPERLINK("http://x","klicka")' }),
      /;"'=HYPERLINK\(""http:\/\/x"",""klicka""\)";/,
    );
    assert.match(onlyRow({ narrative: '+46 8 123 45' }), /;'\+46 8 123 45;/);
    assert.match(onlyRow({ narrative: '-2+3+cmd' }), /;'-2\+3\+cmd;/);
    assert.match(onlyRow({ narrative: '@SUMMA(A1)' }), /;'@SUMMA\(A1\);/);
    assert.match(onlyRow({ narrative: '\t=1+1' }), /;'\t=1\+1;/);
    assert.match(onlyRow({ reportedBy: { aadObjectId: 'x', name: '=cmd' } }), /;'=cmd;/);
    assert.match(onlyRow({ narrative: '=A1;B1' }), /;"'=A1;B1";/);
    assert.match(onlyRow({ narrative: 'Summa = 3' }), /;Summa = 3;/);
  });

  it('writes reporting times in Stockholm time, summer and winter and across both DST changes', () => {
    const time = (reportedAt: string) => onlyRow({ reportedAt }).split(';')[12];
    assert.equal(time('2021-01-15T12:00:00.000Z'), '2021-01-15 13:00');
    assert.equal(time('2021-07-01T12:00:00.000Z'), '2021-07-01 14:00');
    // Spring forward, 28 March 2021: 02:00 CET becomes 03:00 CEST.
    assert.equal(time('2021-03-28T00:59:00.000Z'), '2021-03-28 01:59');
    assert.equal(time('2021-03-28T01:00:00.000Z'), '2021-03-28 03:00');
    // Fall back, 31 October 2021: 02:30 happens twice.
    assert.equal(time('2021-10-31T00:30:00.000Z'), '2021-10-31 02:30');
    assert.equal(time('2021-10-31T01:30:00.000Z'), '2021-10-31 02:30');
    // Late on New Year's Eve in UTC is already the new year in Stockholm.
    assert.equal(time('2021-12-31T23:30:00.000Z'), '2022-01-01 00:30');
  });

  it('lists every revision by measure number (1.2 before 1.10) and revision, and leaves unknown facts empty', () => {
    const text = csv([
      report('1.10', 1),
      report('1.2', 2, { roundId: 'q2' }),
      report('9.9', 1, { roundId: 'gone' }),
      report('1.2', 1, { roundId: 'q1' }),
    ]);
    const rows = text.split('\r\n').slice(1, -1);
    assert.deepEqual(
      rows.map((r) => r.split(';').slice(0, 2).join(' ')),
      ['2021 kvartal 1 1.2', '2021 kvartal 2 1.2', ' 1.10', 'gone 9.9'],
    );
    assert.match(rows[3] ?? '', /^gone;9\.9;;;;Pågår enligt plan;/);
  });

  it('keeps only the reports given in a round when asked for one round', () => {
    const reports = [
      report('1.1', 1, { roundId: 'q1' }),
      report('1.1', 2, { roundId: 'q2' }),
      report('1.2', 1),
    ];
    assert.deepEqual(
      reportsInScope(reports, { kind: 'round', roundId: 'q2' }).map((r) => r.revision),
      [2],
    );
    assert.equal(reportsInScope(reports, { kind: 'all' }).length, 3);
    assert.equal(csv([]), `\uFEFF${header}\r\n`);
  });

  it('names the file after the round and the date in Stockholm', () => {
    const lateEvening = new Date('2021-05-19T22:30:00.000Z');
    assert.equal(
      exportFileName(undefined, lateEvening, 'Europe/Stockholm'),
      'samverkan-rapporter-2021-05-20.csv',
    );
    assert.equal(
      exportFileName('2021 kvartal 2', lateEvening, 'Europe/Stockholm'),
      'samverkan-rapporter-2021-kvartal-2-2021-05-20.csv',
    );
    assert.equal(
      exportFileName('Inför styrgruppen 2021-06-10', lateEvening, 'Europe/Stockholm'),
      'samverkan-rapporter-infor-styrgruppen-2021-06-10-2021-05-20.csv',
    );
    assert.equal(
      exportFileName('!!!', lateEvening, 'Europe/Stockholm'),
      'samverkan-rapporter-2021-05-20.csv',
    );
  });
});
