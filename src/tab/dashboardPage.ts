import { DateTime } from 'luxon';
import type { Measure } from '../domain/agreement.js';
import type {
  Dashboard,
  DashboardDecision,
  DashboardIndicator,
  DashboardMeasure,
} from '../domain/dashboard.js';
import type { Locale } from '../domain/locale.js';
import { measureStatuses, type Report } from '../domain/report.js';
import type { TrafficLight } from '../domain/statusOverview.js';
import { messagesFor } from '../features/shared/messages.js';
import { html, type Html } from './html.js';
import { tabTextsFor } from './tabTexts.js';

/** How the tab writes times and numbers: Stockholm (the agreement's zone) in the reader's language. */
export interface PageFormat {
  locale: Locale;
  timeZone: string;
}

/** A narrative is shown up to this length in the table; the measure's history has it whole. */
const narrativeShown = 300;

/**
 * One agreement's dashboard as HTML, for the tab to put in its page. Everything the reader may not see is already
 * out of `dashboard` (names of those who have not reported); the downloads are shown to those who may have them.
 * Every chart is followed by its values as a table, which is what a screen reader reads.
 */
export function dashboardFragment(
  view: { dashboard: Dashboard; name: string; mayDownload: boolean },
  format: PageFormat,
): Html {
  const { dashboard: d } = view;
  const t = tabTextsFor(format.locale).dashboard;
  const base = `/tab/api/agreements/${encodeURIComponent(d.agreement.id)}`;
  const query = `?locale=${format.locale}`;
  return html`<article class="dashboard" aria-labelledby="agreement-title">
    <header class="agreement">
      <h1 id="agreement-title">${view.name}</h1>
      <p class="period">
        ${t.period(d.agreement.validFrom, d.agreement.validTo)} ·
        ${t.computed(dateTime(d.computedAt, format))}
      </p>
      <p class="goal"><strong>${t.longTermGoal}:</strong> ${d.agreement.longTermGoal}</p>
    </header>
    ${
      view.mayDownload &&
      html`<nav class="downloads" aria-label="${t.downloads}">
        <h2>${t.downloads}</h2>
        <ul>
          <li><a href="${base}/files/followUp${query}" data-download>${t.followUpFile}</a></li>
          <li><a href="${base}/files/export${query}" data-download>${t.reportsFile}</a></li>
        </ul>
        <p class="note">${t.downloadAudited}</p>
      </nav>`
    }
    ${openRoundSection(d, format)}
    <section aria-labelledby="goal-areas">
      <h2 id="goal-areas">${t.goalAreas}</h2>
      ${d.goalAreas.map((g) => goalAreaSection(g, base, query, format))}
    </section>
    ${indicatorsSection(d.indicators, format)} ${decisionRequestsSection(d, format)}
    ${decisionsSection(d.decisions, format)} ${reviewSection(d, format)}
  </article>`;
}

function openRoundSection(d: Dashboard, format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  const round = d.openRound;
  if (!round) {
    return html`<section class="round" aria-labelledby="open-round">
      <h2 id="open-round">${t.openRound}</h2>
      <p>${t.noOpenRound}</p>
    </section>`;
  }
  const namesShown = round.missing.some((m) => m.owners !== undefined);
  return html`<section class="round" aria-labelledby="open-round">
    <h2 id="open-round">${t.openRound}</h2>
    <p>${t.openRoundProgress(round.label, round.answered, round.total)}</p>
    ${
      round.missing.length === 0
        ? html`<p>${t.allAnswered}</p>`
        : html`<h3>${t.missingHeading}</h3>
            <ul class="missing">
              ${round.missing.map(
                (m) =>
                  html`<li>
                    <strong>${m.id}</strong> ${m.title}${m.owners && html` – ${m.owners.join(', ')}`}
                  </li>`,
              )}
            </ul>
            ${!namesShown && html`<p class="note">${t.namesForCoordinators}</p>`}`
    }
  </section>`;
}

function goalAreaSection(
  g: Dashboard['goalAreas'][number],
  base: string,
  query: string,
  format: PageFormat,
): Html {
  const t = tabTextsFor(format.locale).dashboard;
  const m = messagesFor(format.locale);
  const heading = m.goalArea(g.number, g.title);
  const counts = [...measureStatuses, 'noReport' as const].filter((s) => g.counts[s] > 0);
  return html`<section class="goal-area" aria-labelledby="goal-area-${g.number}">
    <h3 id="goal-area-${g.number}">${heading}</h3>
    <p class="goal-area-light">${light(g.light, format)}</p>
    <ul class="counts">
      ${counts.map(
        (s) =>
          html`<li>
            <span class="count">${g.counts[s]}</span> ${s === 'noReport' ? t.noReport : m.statuses[s]}
          </li>`,
      )}
    </ul>
    <table class="measures">
      <caption>
        ${t.measuresCaption(heading)}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t.columns.measure}</th>
          <th scope="col">${t.columns.status}</th>
          <th scope="col">${t.columns.latest}</th>
          <th scope="col">${t.columns.owners}</th>
          <th scope="col">${t.columns.reported}</th>
        </tr>
      </thead>
      <tbody>
        ${g.measures.map((measure) => measureRow(measure, base, query, format))}
      </tbody>
    </table>
  </section>`;
}

function measureRow(measure: DashboardMeasure, base: string, query: string, format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  const m = messagesFor(format.locale);
  const org = m.ownerOrganisation[measure.ownerOrganisation];
  return html`<tr>
    <th scope="row">
      <span class="measure-id">${measure.id}</span>
      ${measure.title}${measure.retired && html` (${t.retired})`}
      <details class="history" data-history="${base}/measures/${encodeURIComponent(measure.id)}${query}">
        <summary>${t.history(measure.id)}</summary>
        <div class="history-body" aria-live="polite"><p>${t.historyLoading}</p></div>
      </details>
    </th>
    <td>${light(measure.light, format, measure.status ? m.statuses[measure.status] : t.noReport)}</td>
    <td>${measure.narrative ? shortened(measure.narrative) : ''}</td>
    <td>${measure.owners.join(', ')} <span class="organisation">(${org})</span></td>
    <td>
      ${measure.reportedAt ? html`${dateTime(measure.reportedAt, format)}<br />${measure.reportedBy}` : ''}
    </td>
  </tr>`;
}

/** A traffic light says what it means in words too: colour alone is not enough (WCAG 1.4.1). */
function light(value: TrafficLight, format: PageFormat, text?: string): Html {
  const t = tabTextsFor(format.locale).dashboard;
  return html`<span class="light light-${value}"
    ><span class="light-dot" aria-hidden="true"></span
    >${text ?? `${t.light[value]}: ${t.lightMeaning[value]}`}</span
  >`;
}

function indicatorsSection(indicators: readonly DashboardIndicator[], format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  return html`<section class="indicators" aria-labelledby="indicators">
    <h2 id="indicators">${t.indicators}</h2>
    ${indicators.length === 0 ? html`<p>${t.noIndicators}</p>` : indicators.map((i) => indicatorFigure(i, format))}
  </section>`;
}

function indicatorFigure(indicator: DashboardIndicator, format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  const title = t.indicatorTitle(indicator.measureId, indicator.name, indicator.unit);
  const facts = [
    ...(indicator.baseline !== undefined ? [`${t.baseline} ${number(indicator.baseline, format)}`] : []),
    ...(indicator.target !== undefined ? [`${t.target} ${number(indicator.target, format)}`] : []),
  ].join(' · ');
  const labelOf = (p: DashboardIndicator['points'][number]) => p.roundLabel ?? t.outsideRound;
  const chart = {
    title,
    unit: indicator.unit,
    labels: indicator.points.map(labelOf),
    values: indicator.points.map((p) => p.value ?? null),
    ...(indicator.baseline !== undefined ? { baseline: indicator.baseline } : {}),
    ...(indicator.target !== undefined ? { target: indicator.target } : {}),
    names: { value: indicator.name, baseline: t.baseline, target: t.target },
  };
  const id = `indicator-${indicator.measureId.replace('.', '-')}`;
  return html`<figure class="indicator" aria-labelledby="${id}">
    <figcaption id="${id}"><strong>${title}</strong>${facts && html` · ${facts}`}</figcaption>
    ${
      indicator.points.length === 0
        ? html`<p>${t.noIndicatorValues}</p>`
        : html`<div
              class="chart"
              data-chart="${JSON.stringify(chart)}"
              role="img"
              aria-label="${t.chartLabel(title)}"
            ></div>
            <table class="indicator-values">
              <caption>
                ${title}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t.indicatorColumns.round}</th>
                  <th scope="col">${t.indicatorColumns.date}</th>
                  <th scope="col">${t.indicatorColumns.value}</th>
                </tr>
              </thead>
              <tbody>
                ${indicator.points.map(
                  (p) =>
                    html`<tr>
                      <th scope="row">${labelOf(p)}</th>
                      <td>${p.date}</td>
                      <td class="number">${p.value !== undefined ? number(p.value, format) : t.noValue}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  </figure>`;
}

function decisionRequestsSection(d: Dashboard, format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  return html`<section class="decision-requests" aria-labelledby="decision-requests">
    <h2 id="decision-requests">${t.decisionRequests}</h2>
    ${
      d.decisionRequests.length === 0
        ? html`<p>${t.noDecisionRequests}</p>`
        : html`<ul>
            ${d.decisionRequests.map(
              (r) =>
                html`<li>
                  <strong>${r.measureId}</strong> ${r.title} (${dateTime(r.reportedAt, format)}):
                  ${shortened(r.narrative)}
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

function decisionsSection(decisions: readonly DashboardDecision[], format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  const c = t.decisionColumns;
  return html`<section class="decisions" aria-labelledby="decisions">
    <h2 id="decisions">${t.decisions}</h2>
    ${
      decisions.length === 0
        ? html`<p>${t.noDecisions}</p>`
        : html`<table aria-labelledby="decisions">
            <thead>
              <tr>
                <th scope="col">${c.text}</th>
                <th scope="col">${c.concerns}</th>
                <th scope="col">${c.responsible}</th>
                <th scope="col">${c.due}</th>
                <th scope="col">${c.meeting}</th>
                <th scope="col">${c.status}</th>
              </tr>
            </thead>
            <tbody>
              ${decisions.map(
                (d) =>
                  html`<tr class="${d.overdue ? 'overdue' : ''}">
                    <td>${d.text}</td>
                    <td>${concerns(d, format)}</td>
                    <td>${d.responsible}</td>
                    <td>${d.dueDate ?? ''}</td>
                    <td>${d.meetingDate}</td>
                    <td>
                      ${
                        d.status === 'done'
                          ? t.decisionStatus.done(d.doneOn ?? '')
                          : d.overdue
                            ? html`<strong>${t.decisionStatus.overdue}</strong>`
                            : t.decisionStatus.open
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

function concerns(d: DashboardDecision, format: PageFormat): string {
  const t = tabTextsFor(format.locale).dashboard;
  const parts = [...d.concerns.goalAreas.map(t.concernsGoal), ...d.concerns.measures.map(t.concernsMeasure)];
  return parts.length === 0 ? t.concernsAll : parts.join(', ');
}

function reviewSection(d: Dashboard, format: PageFormat): Html {
  const t = tabTextsFor(format.locale).dashboard;
  const month = DateTime.fromISO(`${d.review.month}-01`).setLocale(format.locale).toFormat('LLLL yyyy');
  const answered = d.review.questions.some(
    (q) => q.byOrganisation.kommun.length + q.byOrganisation.polis.length,
  );
  return html`<section class="review" aria-labelledby="review">
    <h2 id="review">${t.review}</h2>
    <p>${t.reviewDue(month)}${!answered && html` ${t.reviewNoAnswers}`}</p>
    ${
      answered &&
      d.review.questions.map(
        (q, i) =>
          html`<h3>${i + 1}. ${q.question}</h3>
            ${(['kommun', 'polis'] as const).map(
              (org) =>
                html`<h4>${t.organisations[org]}</h4>
                  ${
                    q.byOrganisation[org].length === 0
                      ? html`<p>${t.noAnswer}</p>`
                      : html`<ul>
                          ${q.byOrganisation[org].map((a) => html`<li><strong>${a.name}:</strong> ${a.answer}</li>`)}
                        </ul>`
                  }`,
            )}`,
      )
    }
  </section>`;
}

/** A measure's every report, newest first: what opens under "Every report on 1.2". */
export function measureHistoryFragment(
  view: { measure: Measure; reports: readonly Report[] },
  format: PageFormat,
): Html {
  const t = tabTextsFor(format.locale).history;
  const m = messagesFor(format.locale);
  if (view.reports.length === 0) return html`<p>${t.none}</p>`;
  return html`<ol class="reports" reversed>
    ${view.reports.map(
      (r) =>
        html`<li>
          <p>
            <strong>${m.statuses[r.status]}</strong> ·
            ${t.by(r.reportedBy.name, dateTime(r.reportedAt, format))} · ${t.revision(r.revision)}
          </p>
          <p>${r.narrative}</p>
          ${r.obstacles && html`<p><strong>${t.obstacles}:</strong> ${r.obstacles}</p>`}
          ${r.nextStep && html`<p><strong>${t.nextStep}:</strong> ${r.nextStep}</p>`}
          ${r.indicatorValue !== undefined && html`<p><strong>${t.indicator}:</strong> ${number(r.indicatorValue, format)}</p>`}
          ${r.needsSteeringDecision && html`<p><strong>${t.needsDecision}</strong></p>`}
        </li>`,
    )}
  </ol>`;
}

export function dateTime(iso: string, format: PageFormat): string {
  return DateTime.fromISO(iso, { zone: 'utc' })
    .setZone(format.timeZone)
    .setLocale(format.locale === 'sv' ? 'sv' : 'en-GB')
    .toFormat(format.locale === 'sv' ? "d MMM yyyy 'kl.' HH:mm" : 'd MMM yyyy, HH:mm');
}

function number(value: number, format: PageFormat): string {
  return value.toLocaleString(format.locale === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 10 });
}

function shortened(text: string): string {
  return text.length <= narrativeShown ? text : `${text.slice(0, narrativeShown - 1).trimEnd()}…`;
}
