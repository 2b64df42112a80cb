import { reportText, type FollowUpReport, type ReviewSection } from '../../domain/followUpReport.js';

/**
 * The written follow-up report as Markdown (GitHub-flavoured: tables), for a wiki, an e-mail or a Teams post.
 * Everything that came from people (titles, narratives, answers) is escaped, so a `|` or a `*` in a report can
 * neither break a table nor change the formatting.
 */
export function markdownReport(report: FollowUpReport): string {
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);

  add(`# ${text(report.title)}`, '', `**${text(report.subtitle)}**`, '');
  add(`${text(report.asOfText)} ${text(report.generatedText)}`, '');
  if (report.exampleNote) add(`> ${text(report.exampleNote)}`, '');

  const h = report.header;
  add(`## ${reportText.agreementHeading}`, '');
  add(
    `- **${reportText.parties}:** ${h.parties.map((p) => text(p.organisation)).join(' och ')}`,
    `- **${reportText.signed}:** ${text(h.signed)} av ${h.parties.map((p) => text(p.signatory)).join('; ')}`,
    `- **${reportText.period}:** ${text(h.period)}`,
    `- **${reportText.extensions}:** ${h.extensions.length > 0 ? h.extensions.map(text).join('; ') : reportText.noExtensions}`,
    `- **${reportText.renewal}:** ${text(h.renewal)}`,
    `- **${reportText.cooperationArea}:** ${text(h.cooperationArea)}`,
    `- **${reportText.longTermGoal}:** ${text(h.longTermGoal)}`,
    '',
  );

  add(`## ${reportText.goalAreasHeading}`, '');
  for (const g of report.goalAreas) add(`${g.number}. ${text(g.title)}`);
  add('');

  add(`## ${reportText.measuresHeading}`, '');
  for (const g of report.goalAreas) {
    add(`### ${text(reportText.goalArea(g.number, g.title))}`, '');
    add(`Trafikljus: **${g.lightText}**${g.countsText ? ` · ${text(g.countsText)}` : ''}`, '');
    if (g.measures.length === 0) {
      add(reportText.noMeasures, '');
      continue;
    }
    add(
      ...table(
        reportText.measureColumns,
        g.measures.map((m) => [
          `**${m.id}** ${text(m.title)}${m.retired ? ` ${reportText.retired}` : ''}`,
          m.lightText,
          m.changeText ? `${text(m.statusText)}<br>_${text(m.changeText)}_` : text(m.statusText),
          text(m.ownerOrganisation),
          text(m.owners),
          text(m.lastReported),
        ]),
      ),
      '',
    );
  }

  add(`## ${reportText.indicatorsHeading}`, '');
  if (report.indicators.length === 0) add(reportText.noIndicators, '');
  else add(`${reportText.indicatorsIntro} ${reportText.indicatorsChartNote}`, '');
  for (const i of report.indicators) {
    add(`### ${text(i.title)}`, '', text(i.summary), '');
    if (i.points.length === 0) continue;
    add(
      ...table(
        reportText.indicatorColumns,
        i.points.map((p) => [text(p.label), p.date, p.valueText]),
      ),
      '',
    );
  }

  add(`## ${reportText.risksHeading}`, '');
  if (report.risks.length === 0) add(reportText.noRisks, '');
  for (const r of report.risks) {
    add(`- **${r.measureId}** ${text(r.title)} – **${text(r.statusText)}** (${text(r.reported)})`);
    add(`  - ${reportText.narrative}: ${text(r.narrative)}`);
    if (r.obstacles) add(`  - ${reportText.obstacles}: ${text(r.obstacles)}`);
    if (r.nextStep) add(`  - ${reportText.nextStep}: ${text(r.nextStep)}`);
  }
  if (report.risks.length > 0) add('');

  add(`## ${reportText.decisionsHeading}`, '');
  if (report.decisions.length === 0) add(reportText.noDecisions, '');
  for (const d of report.decisions) {
    add(`- **${d.measureId}** ${text(d.title)} – ${text(d.statusText)} (${text(d.reported)})`);
    add(`  - ${reportText.narrative}: ${text(d.narrative)}`);
    if (d.obstacles) add(`  - ${reportText.obstacles}: ${text(d.obstacles)}`);
    if (d.nextStep) add(`  - ${reportText.nextStep}: ${text(d.nextStep)}`);
  }
  if (report.decisions.length > 0) add('');

  add(`## ${reportText.steeringDecisionsHeading}`, '');
  if (report.steeringDecisions.length === 0) add(reportText.noSteeringDecisions, '');
  else {
    add(reportText.steeringDecisionsIntro, '');
    add(
      ...table(
        reportText.steeringDecisionColumns,
        report.steeringDecisions.map((d) => [
          [text(d.text), ...d.followUps.map((f) => `_${text(f)}_`)].join('<br>'),
          text(d.concerns),
          text(d.responsible),
          d.dueDate,
          d.meetingDate,
          d.overdue ? `**${d.statusText}**` : d.statusText,
        ]),
      ),
      '',
    );
  }

  if (report.missing) {
    add(`## ${text(reportText.missingHeading(report.missing.roundLabel))}`, '');
    for (const m of report.missing.measures) add(`- **${m.id}** ${text(m.title)} – ${text(m.owners)}`);
    add('');
  }

  add(...review(report.review));

  add(`## ${reportText.historyHeading}`, '', reportText.historyIntro(report.timeZone), '');
  if (report.history.length === 0) add(reportText.noHistory, '');
  else {
    add(
      ...table(
        reportText.historyColumns,
        report.history.map((r) => [
          r.date,
          `**${r.measureId}** ${text(r.measureTitle)}${r.roundLabel ? `<br>_${text(r.roundLabel)}_` : ''}`,
          String(r.revision),
          text(r.statusText),
          text(r.reportedBy),
          text(r.narrative),
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}

function review(section: ReviewSection): string[] {
  const lines = [`## ${text(section.heading)}`, ''];
  if (section.note) lines.push(`_${text(section.note)}_`, '');
  const questions = (list: ReviewSection['questions'], heading: string) =>
    list.forEach((q, i) => {
      lines.push(`${heading} ${i + 1}. ${text(q.question)}`, '');
      if (q.answers.length === 0) lines.push(`_${reportText.reviewNoAnswer}_`, '');
      for (const a of q.answers) {
        lines.push(`- **${text(a.organisation)}** (${text(a.answeredBy)}): ${text(a.answer)}`);
      }
      if (q.answers.length > 0) lines.push('');
    });
  questions(section.questions, '###');
  if (section.otherQuestions.length > 0) {
    lines.push(`### ${reportText.reviewOtherQuestions}`, '');
    questions(section.otherQuestions, '####');
  }
  return lines;
}

function table(columns: readonly string[], rows: readonly string[][]): string[] {
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((cell) => cell || ' ').join(' | ')} |`),
  ];
}

/**
 * Text from people, made inert: the punctuation that formats inside a line is escaped, `<` cannot open HTML, and
 * line breaks become `<br>` so that a narrative of several lines stays in its table cell or list item. Text is
 * never put at the start of a line, so `#`, `-` and `1.` need no escaping, and dates stay readable.
 */
function text(value: string): string {
  return value
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/\r\n|\r|\n/g, '<br>');
}
