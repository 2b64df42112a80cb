import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ISectionOptions,
} from 'docx';
import { ChartRun } from 'docx/charts';
import type { TrafficLight } from '../../domain/statusOverview.js';
import {
  reportText,
  type FollowUpReport,
  type IndicatorSection,
  type ReviewSection,
} from '../../domain/followUpReport.js';

/**
 * The written follow-up report as a Word document: A4, the report in portrait and the report history, a wide
 * table, in a landscape appendix. Indicators get a native Word line chart (drawn by Word from its data, so no
 * image library is needed and "Edit Data" works) above the table of their values, which stays the record.
 */
export async function docxReport(report: FollowUpReport): Promise<Uint8Array> {
  const document = new Document({
    creator: reportText.author,
    title: report.title,
    description: report.subtitle,
    styles: {
      default: {
        document: { run: { font: 'Calibri', size: 22, language: { value: 'sv-SE' } } },
      },
    },
    sections: [
      section(report, 'portrait', [
        ...titlePage(report),
        ...agreement(report),
        ...goalAreas(report),
        ...measures(report),
        ...indicators(report),
        ...risksAndDecisions(report),
        ...review(report.review),
      ]),
      section(report, 'landscape', history(report)),
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

type Block = Paragraph | Table;

/** Excel's fills for good, neutral and bad, which people already read as traffic lights. */
const lightFill: Record<TrafficLight, string> = {
  green: 'C6EFCE',
  yellow: 'FFEB9C',
  red: 'FFC7CE',
  grey: 'EDEDED',
};
const headerFill = 'D9E2F3';

function section(report: FollowUpReport, orientation: 'portrait' | 'landscape', children: Block[]) {
  return {
    properties: {
      page: {
        // A4 in twentieths of a point; docx turns it for landscape.
        size: {
          width: 11906,
          height: 16838,
          orientation: orientation === 'portrait' ? PageOrientation.PORTRAIT : PageOrientation.LANDSCAPE,
        },
        margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 },
      },
    },
    footers: {
      default: new Footer({
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [
              new TextRun({ text: `${report.title} · Sida `, size: 16 }),
              new TextRun({ children: [PageNumber.CURRENT], size: 16 }),
              new TextRun({ text: ' av ', size: 16 }),
              new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 16 }),
            ],
          }),
        ],
      }),
    },
    children,
  } satisfies ISectionOptions;
}

function titlePage(report: FollowUpReport): Block[] {
  return [
    new Paragraph({ heading: HeadingLevel.TITLE, children: lines(report.title) }),
    new Paragraph({ children: [new TextRun({ text: report.subtitle, bold: true })] }),
    new Paragraph({ children: lines(`${report.asOfText} ${report.generatedText}`) }),
    ...(report.exampleNote
      ? [new Paragraph({ children: [new TextRun({ text: report.exampleNote, italics: true })] })]
      : []),
  ];
}

function agreement(report: FollowUpReport): Block[] {
  const h = report.header;
  const facts: Array<[string, string]> = [
    [reportText.parties, h.parties.map((p) => p.organisation).join('\n')],
    [reportText.signed, [h.signed, ...h.parties.map((p) => p.signatory)].join('\n')],
    [reportText.period, h.period],
    [reportText.extensions, h.extensions.length > 0 ? h.extensions.join('\n') : reportText.noExtensions],
    [reportText.renewal, h.renewal],
    [reportText.cooperationArea, h.cooperationArea],
    [reportText.longTermGoal, h.longTermGoal],
  ];
  return [
    heading(reportText.agreementHeading, 1),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      columnWidths: [2400, 7238],
      rows: facts.map(
        ([label, value]) =>
          new TableRow({
            cantSplit: true,
            children: [cell(label, { bold: true, fill: headerFill }), cell(value)],
          }),
      ),
    }),
  ];
}

function goalAreas(report: FollowUpReport): Block[] {
  return [
    heading(reportText.goalAreasHeading, 1),
    ...report.goalAreas.map(
      (g) =>
        new Paragraph({
          children: [new TextRun({ text: `${g.number}. `, bold: true }), ...lines(g.title)],
        }),
    ),
  ];
}

function measures(report: FollowUpReport): Block[] {
  const blocks: Block[] = [heading(reportText.measuresHeading, 1)];
  for (const g of report.goalAreas) {
    blocks.push(heading(reportText.goalArea(g.number, g.title), 2));
    blocks.push(
      new Paragraph({
        children: [
          new TextRun('Trafikljus: '),
          new TextRun({ text: g.lightText, bold: true, shading: shade(lightFill[g.light]) }),
          ...(g.countsText ? [new TextRun(` · ${g.countsText}`)] : []),
        ],
      }),
    );
    if (g.measures.length === 0) {
      blocks.push(new Paragraph(reportText.noMeasures));
      continue;
    }
    blocks.push(
      table(
        reportText.measureColumns,
        [2600, 1000, 1700, 1300, 1500, 1538],
        g.measures.map((m) => [
          cell(`${m.id} ${m.title}${m.retired ? ` ${reportText.retired}` : ''}`),
          cell(m.lightText, { fill: lightFill[m.light], bold: true }),
          cell(m.changeText ? `${m.statusText}\n${m.changeText}` : m.statusText),
          cell(m.ownerOrganisation),
          cell(m.owners.split(', ').join('\n')),
          cell(m.lastReported),
        ]),
      ),
    );
  }
  return blocks;
}

function indicators(report: FollowUpReport): Block[] {
  const blocks: Block[] = [heading(reportText.indicatorsHeading, 1)];
  if (report.indicators.length === 0) return [...blocks, new Paragraph(reportText.noIndicators)];
  blocks.push(new Paragraph(reportText.indicatorsIntro));
  for (const i of report.indicators) {
    blocks.push(heading(i.title, 2), new Paragraph(i.summary));
    if (i.points.length === 0) continue;
    const chart = chartOf(i);
    if (chart) blocks.push(new Paragraph({ children: [chart] }));
    blocks.push(
      table(
        reportText.indicatorColumns,
        [4638, 2500, 2500],
        i.points.map((p) => [cell(p.label), cell(p.date), cell(p.valueText, { right: true })]),
      ),
    );
  }
  return blocks;
}

/** The values as a line, with the baseline and the target as flat dashed lines to read them against. */
function chartOf(indicator: IndicatorSection): ChartRun | undefined {
  const values = indicator.points.map((p) => p.value ?? null);
  if (values.every((v) => v === null)) return undefined;
  const flat = (value: number | undefined, name: string, color: string) =>
    value === undefined
      ? []
      : [
          {
            name,
            values: values.map(() => value),
            color,
            line: { dash: 'dash' as const, width: 1.5 },
            markers: false,
          },
        ];
  return new ChartRun({
    type: 'line',
    categories: indicator.points.map((p) => p.label),
    series: [
      { name: reportText.valueSeries, values, color: '1F4E79', markers: true },
      ...flat(indicator.baseline, reportText.baselineSeries, '7F7F7F'),
      ...flat(indicator.target, reportText.targetSeries, '548235'),
    ],
    valueAxis: { title: indicator.unit },
    emptyValues: 'gap',
    transformation: { width: 576, height: 260 },
    altText: {
      name: indicator.title,
      description: `${indicator.title}: ${indicator.points.map((p) => `${p.label} ${p.valueText}`).join(', ')}.`,
    },
  });
}

function risksAndDecisions(report: FollowUpReport): Block[] {
  const item = (r: FollowUpReport['risks'][number]) => [
    new Paragraph({
      keepNext: true,
      children: [
        new TextRun({ text: `${r.measureId} ${r.title} – `, bold: true }),
        new TextRun({ text: r.statusText, bold: true }),
        new TextRun(r.reported ? ` (${r.reported})` : ''),
      ],
    }),
    labelled(reportText.narrative, r.narrative),
    ...(r.obstacles ? [labelled(reportText.obstacles, r.obstacles)] : []),
    ...(r.nextStep ? [labelled(reportText.nextStep, r.nextStep)] : []),
  ];
  const blocks: Block[] = [heading(reportText.risksHeading, 1)];
  if (report.risks.length === 0) blocks.push(new Paragraph(reportText.noRisks));
  for (const r of report.risks) blocks.push(...item(r));
  blocks.push(heading(reportText.decisionsHeading, 1));
  if (report.decisions.length === 0) blocks.push(new Paragraph(reportText.noDecisions));
  for (const d of report.decisions) blocks.push(...item(d));
  blocks.push(...steeringDecisions(report));
  if (report.missing) {
    blocks.push(heading(reportText.missingHeading(report.missing.roundLabel), 1));
    for (const m of report.missing.measures) {
      blocks.push(
        new Paragraph({
          bullet: { level: 0 },
          children: [new TextRun({ text: `${m.id} ${m.title}`, bold: true }), new TextRun(` – ${m.owners}`)],
        }),
      );
    }
  }
  return blocks;
}

/** Beslut: the steering group's decisions, with the owners' latest answers under each decision's text. */
function steeringDecisions(report: FollowUpReport): Block[] {
  const blocks: Block[] = [heading(reportText.steeringDecisionsHeading, 1)];
  if (report.steeringDecisions.length === 0)
    return [...blocks, new Paragraph(reportText.noSteeringDecisions)];
  blocks.push(new Paragraph(reportText.steeringDecisionsIntro));
  blocks.push(
    table(
      reportText.steeringDecisionColumns,
      [2900, 1500, 1500, 1100, 1100, 1538],
      report.steeringDecisions.map((d) => [
        cell([d.text, ...d.followUps].join('\n')),
        cell(d.concerns),
        cell(d.responsible),
        cell(d.dueDate),
        cell(d.meetingDate),
        cell(d.statusText, d.overdue ? { bold: true, fill: lightFill.red } : {}),
      ]),
    ),
  );
  return blocks;
}

function review(section: ReviewSection): Block[] {
  const blocks: Block[] = [heading(section.heading, 1)];
  if (section.note) {
    blocks.push(new Paragraph({ children: [new TextRun({ text: section.note, italics: true })] }));
  }
  const questions = (list: ReviewSection['questions'], level: 2 | 3) =>
    list.forEach((q, i) => {
      blocks.push(heading(`${i + 1}. ${q.question}`, level));
      if (q.answers.length === 0) {
        blocks.push(
          new Paragraph({ children: [new TextRun({ text: reportText.reviewNoAnswer, italics: true })] }),
        );
      }
      for (const a of q.answers) {
        blocks.push(
          new Paragraph({
            children: [
              new TextRun({ text: `${a.organisation} (${a.answeredBy}): `, bold: true }),
              ...lines(a.answer),
            ],
          }),
        );
      }
    });
  questions(section.questions, 2);
  if (section.otherQuestions.length > 0) {
    blocks.push(heading(reportText.reviewOtherQuestions, 2));
    questions(section.otherQuestions, 3);
  }
  return blocks;
}

function history(report: FollowUpReport): Block[] {
  const blocks: Block[] = [
    heading(reportText.historyHeading, 1),
    new Paragraph(reportText.historyIntro(report.timeZone)),
  ];
  if (report.history.length === 0) return [...blocks, new Paragraph(reportText.noHistory)];
  blocks.push(
    table(
      reportText.historyColumns,
      [1700, 2600, 900, 1700, 1900, 5770],
      report.history.map((r) => [
        cell(r.date),
        cell(`${r.measureId} ${r.measureTitle}${r.roundLabel ? `\n${r.roundLabel}` : ''}`),
        cell(String(r.revision), { right: true }),
        cell(r.statusText),
        cell(r.reportedBy),
        cell(r.narrative),
      ]),
    ),
  );
  return blocks;
}

function heading(text: string, level: 1 | 2 | 3): Paragraph {
  const levels = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;
  return new Paragraph({ heading: levels[level], keepNext: true, children: lines(text) });
}

function labelled(label: string, text: string): Paragraph {
  return new Paragraph({
    indent: { left: 360 },
    children: [new TextRun({ text: `${label}: `, italics: true }), ...lines(text)],
  });
}

/** A table whose header row repeats on every page it runs over. */
function table(columns: readonly string[], widths: number[], rows: TableCell[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: widths,
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: columns.map((c) => cell(c, { bold: true, fill: headerFill })),
      }),
      ...rows.map((children) => new TableRow({ cantSplit: true, children })),
    ],
  });
}

function cell(text: string, options: { bold?: boolean; fill?: string; right?: boolean } = {}): TableCell {
  return new TableCell({
    ...(options.fill ? { shading: shade(options.fill) } : {}),
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    children: [
      new Paragraph({
        ...(options.right ? { alignment: AlignmentType.RIGHT } : {}),
        children: lines(text, options.bold),
      }),
    ],
  });
}

function shade(fill: string) {
  return { type: ShadingType.CLEAR, color: 'auto', fill };
}

/** A text of several lines as runs with line breaks between them, in one paragraph. */
function lines(text: string, bold = false): TextRun[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line, i) => new TextRun({ text: line, bold, ...(i > 0 ? { break: 1 } : {}) }));
}
