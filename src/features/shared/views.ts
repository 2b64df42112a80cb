import { normalizeForMatching } from '../../domain/wordMatching.js';
import { commandGroups, commandsFor, coordinatorsOnlyLabel, usage } from '../../domain/commandCatalog.js';
import type { Locale } from '../../domain/locale.js';
import type { PersonalDataCounts } from '../../domain/personalData.js';
import { groupsBoundTo, type Plan } from '../../domain/plan.js';
import { messagesFor } from './messages.js';

/** The data each card template in `cards/` is filled with. */

/** The welcome card; `agreement` is the one the place is about, by its name and cooperation area, if one. */
export function welcomeView(
  locale: Locale,
  agreement: { name: string; area: string } | undefined,
  inChannel: boolean,
) {
  const m = messagesFor(locale);
  return {
    title: m.welcomeTitle,
    agreement: agreement ? `${agreement.name} · ${agreement.area}` : '',
    intro: m.welcomeIntro,
    next: inChannel ? m.welcomeNextChannel : m.welcomeNext,
  };
}

export function helpView(locale: Locale, plan: Plan, context: { channelId?: string; coordinator: boolean }) {
  const m = messagesFor(locale);
  const bound = context.channelId ? groupsBoundTo(plan, context.channelId) : [];
  const channel = context.channelId
    ? bound.length > 0
      ? m.helpChannelBound(bound.map((g) => g.name).join(', '))
      : m.helpChannelUnbound
    : '';
  // Every command the person may use, from the catalog, grouped by what it is for; a coordinator's own are
  // marked, and not shown to anyone else.
  const commands = commandsFor(context.coordinator);
  const sections = commandGroups
    .map((group) => ({
      title: group.title[locale],
      commands: commands
        .filter((c) => c.group === group.id)
        .map((c) => ({
          usage: usage(c, locale),
          description:
            c.who === 'coordinators'
              ? `${c.description[locale]} _(${coordinatorsOnlyLabel[locale]})_`
              : c.description[locale],
        })),
    }))
    .filter((section) => section.commands.length > 0);
  return {
    title: m.helpTitle,
    intro: m.helpIntro,
    sections,
    channel,
    groupsLabel: m.helpGroupsLabel,
    // Only coordinators can bind a channel, so only they need the groups' names.
    groups: context.coordinator ? groupList(plan) : '',
    coordinator: context.coordinator ? m.helpCoordinator : '',
  };
}

export function measuresView(locale: Locale, plan: Plan) {
  const m = messagesFor(locale);
  const { agreement } = plan;
  return {
    title: m.measuresTitle,
    // The note says itself what it is ("Exempel: …"); a label in front would say it twice.
    note: agreement.actionPlanNote ?? '',
    goalAreas: agreement.goalAreas.map((goal) => ({
      heading: m.goalArea(goal.number, goal.title),
      empty: m.noMeasures,
      measures: agreement.measures
        .filter((measure) => measure.goalArea === goal.number)
        .map((measure) => ({
          id: measure.id,
          title: measure.title,
          details: [
            m.ownerOrganisation[measure.ownerOrganisation],
            measure.owners.map((o) => o.name).join(', '),
            m.followUp(m.cadence[measure.followUp.cadence]),
            ...(measure.followUp.indicator
              ? [m.indicator(measure.followUp.indicator.name, measure.followUp.indicator.unit)]
              : []),
          ].join(' · '),
        })),
    })),
  };
}

export function noticeView(title: string, text: string) {
  return { title, text };
}

/** "styrgrupp (Styrgrupp), beredningsgrupp (…)": what people can type after `koppla`. */
export function groupList(plan: Plan): string {
  // The name, and the word to type when the name does not already contain it.
  return plan.agreement.groups
    .map((g) =>
      normalizeForMatching(g.name).includes(normalizeForMatching(g.id)) ? g.name : `${g.name} (${g.id})`,
    )
    .join(', ');
}

/** A button on a `personalData` card: an Action.Execute with its verb also in its data (for Action.Submit). */
export interface PersonalDataButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** The `personalData` card: a heading, an intro, counts per kind, lines, a note and buttons. */
export function personalDataView(view: {
  title: string;
  intro?: string;
  facts?: Array<{ label: string; value: string }>;
  lines?: string[];
  note?: string;
  buttons?: PersonalDataButton[];
}) {
  const facts = view.facts ?? [];
  return {
    title: view.title,
    intro: view.intro ?? '',
    hasFacts: facts.length > 0,
    facts,
    lines: view.lines ?? [],
    note: view.note ?? '',
    buttons: view.buttons ?? [],
  };
}

/** The kinds of stored records with how many of each, leaving out the kinds with none. */
export function personalDataFacts(locale: Locale, counts: PersonalDataCounts) {
  const labels = messagesFor(locale).personalData.counts;
  return (Object.keys(labels) as Array<keyof PersonalDataCounts>)
    .filter((kind) => counts[kind] > 0)
    .map((kind) => ({ label: labels[kind], value: String(counts[kind]) }));
}
