import { DateTime } from 'luxon';
import { z } from 'zod';
import type {
  Agreement,
  AgreementKind,
  GroupKind,
  Measure,
  OrganisationKind,
  TeamsUser,
} from './agreement.js';
import type { AuditEntry } from './auditEntry.js';
import type { ChannelBinding } from './channelBinding.js';
import type { Decision } from './decision.js';
import type { CheckInRound, Delivery, PromptTarget, Reminder } from './checkInRound.js';
import { normalizeForMatching } from './wordMatching.js';
import type { StoredConversation } from './conversation.js';
import type { AgreementChoice } from './agreementChoice.js';
import type { LanguageChoice } from './languageChoice.js';
import type { ReviewAnswer } from './midTermReview.js';
import type { Plan } from './plan.js';
import type { Report } from './report.js';

/**
 * Personuppgifter: what the bot stores about one person, for a registered person's request for access (GDPR art.
 * 15) and erasure (art. 17). Everything here works on plain data read from storage; the bot reads and writes.
 *
 * Erasure pseudonymises: the person's identity (Entra object id, name, Teams user id) is replaced by a pseudonym in
 * every record that keeps the agreement's history (report revisions, audit entries, review answers, bindings,
 * rounds, retired measures), and what only served to reach the person (their chat, the cards delivered to them)
 * is deleted. What people wrote stays: reports are the organisations' follow-up of a measure, not data about the
 * person who typed them.
 */

/** A scheduled job, pending or done (only its id and payload can name a person: `prompt|…|personal:<id>`). */
export interface JobRecord {
  id: string;
  kind: string;
  state: 'pending' | 'done';
  /** Due time of a pending job, completion time of a done one (UTC ISO). */
  at: string;
  payload?: Record<string, unknown>;
}

/** Everything stored that can name a person, read from storage. */
export interface StoredData {
  plan: Plan;
  /** Every revision of every report. */
  reports: readonly Report[];
  audit: readonly AuditEntry[];
  reviews: readonly ReviewAnswer[];
  rounds: readonly CheckInRound[];
  conversations: readonly StoredConversation[];
  languageChoices: readonly LanguageChoice[];
  /** The agreement each person last chose; none when absent. */
  agreementChoices?: readonly AgreementChoice[];
  deliveries: readonly Delivery[];
  reminders: readonly Reminder[];
  jobs: readonly JobRecord[];
  /** Every revision of every decision of the steering group (beslut); none when absent. */
  decisions?: readonly Decision[];
}

/** Someone the bot has stored something about. */
export interface KnownPerson {
  aadObjectId: string;
  /** Every name stored with this id, most often seen first. */
  names: string[];
  /** Teams user ids (`29:…`) the person's conversation references carry. */
  teamsUserIds: string[];
  /** E-mail addresses, if a record holds one (none does today; Teams is asked instead). */
  emails: string[];
}

/** What replaces a person's identity: "Borttagen person" with an id that names no one. */
export interface Pseudonym {
  aadObjectId: string;
  name: string;
}

/** Pseudonyms' ids: never taken for a person, never found as one. */
export const pseudonymIdSchema = z.string().regex(/^erased-[0-9a-f]{16}$/);

export function isPseudonym(id: string): boolean {
  return pseudonymIdSchema.safeParse(id).success;
}

// ---------------------------------------------------------------------------------------------------------------
// Who is known

/** Everyone stored anywhere, by Entra object id; pseudonyms are not people. */
export function knownPeople(data: StoredData): KnownPerson[] {
  // A conversation reference ties a Teams user id to the Entra id; an audit entry of someone without an Entra id
  // (an unusual client) names them by the Teams id, and is theirs too.
  const entraIdOf = new Map<string, string>();
  for (const conversation of data.conversations) {
    const user = userOf(conversation);
    if (user?.aadObjectId && user.id) entraIdOf.set(user.id, user.aadObjectId);
  }
  const people = new Map<string, { names: Map<string, number>; teamsUserIds: Set<string> }>();
  const see = (id: string | undefined, name?: string, teamsUserId?: string) => {
    if (!id) return;
    const key = entraIdOf.get(id) ?? id;
    if (isPseudonym(key)) return;
    const person = people.get(key) ?? { names: new Map<string, number>(), teamsUserIds: new Set<string>() };
    people.set(key, person);
    const trimmed = name?.trim();
    if (trimmed) person.names.set(trimmed, (person.names.get(trimmed) ?? 0) + 1);
    if (teamsUserId) person.teamsUserIds.add(teamsUserId);
    if (key !== id) person.teamsUserIds.add(id);
  };
  const { agreement, bindings } = data.plan;
  for (const measure of agreement.measures) for (const o of measure.owners) see(o.aadObjectId, o.name);
  for (const group of agreement.groups) for (const p of group.members) see(p.aadObjectId, p.name);
  for (const binding of bindings) see(binding.boundBy.aadObjectId, binding.boundBy.name);
  for (const report of data.reports) see(report.reportedBy.aadObjectId, report.reportedBy.name);
  for (const entry of data.audit) see(entry.actor.aadObjectId, entry.actor.name);
  for (const answer of data.reviews) see(answer.answeredBy.aadObjectId, answer.answeredBy.name);
  for (const round of data.rounds) see(round.openedBy?.aadObjectId, round.openedBy?.name);
  for (const decision of data.decisions ?? []) {
    see(decision.recordedBy.aadObjectId, decision.recordedBy.name);
    see(decision.changedBy?.aadObjectId, decision.changedBy?.name);
  }
  for (const conversation of data.conversations) {
    const user = userOf(conversation);
    if (conversation.kind === 'personal') see(conversation.id, user?.name, user?.id);
    else if (user?.aadObjectId) see(user.aadObjectId, user.name, user.id);
  }
  for (const delivery of [...data.deliveries, ...data.reminders]) {
    if (delivery.target.kind === 'personal') see(delivery.target.aadObjectId);
  }
  for (const job of data.jobs) see(personalTargetOf(job));
  return [...people].map(([aadObjectId, person]) => ({
    aadObjectId,
    names: [...person.names].sort((a, b) => b[1] - a[1]).map(([name]) => name),
    teamsUserIds: [...person.teamsUserIds],
    emails: [],
  }));
}

/**
 * Everyone stored in any of several agreements (each with the deployment's data), one entry per Entra object id:
 * names and Teams ids from all of them, the first agreement's names first.
 */
export function knownPeopleIn(stores: readonly StoredData[]): KnownPerson[] {
  const merged = new Map<string, KnownPerson>();
  for (const person of stores.flatMap(knownPeople)) {
    const seen = merged.get(person.aadObjectId);
    if (!seen) {
      merged.set(person.aadObjectId, {
        ...person,
        names: [...person.names],
        teamsUserIds: [...person.teamsUserIds],
      });
      continue;
    }
    for (const name of person.names) if (!seen.names.includes(name)) seen.names.push(name);
    for (const id of person.teamsUserIds) if (!seen.teamsUserIds.includes(id)) seen.teamsUserIds.push(id);
  }
  return [...merged.values()];
}

export type PersonMatch =
  { kind: 'found'; person: KnownPerson } | { kind: 'ambiguous'; people: KnownPerson[] } | { kind: 'unknown' };

/**
 * The person someone asked for, by Entra object id, Teams user id, e-mail address or name (forgiving case and
 * diacritics; "megan" finds Megan Bowen when she is the only Megan). `resolvedIds` are ids Teams gave for an
 * e-mail address. Two people with the same name are ambiguous: the bot asks which one is meant.
 */
export function findPerson(
  people: readonly KnownPerson[],
  query: string,
  resolvedIds: readonly string[] = [],
): PersonMatch {
  const typed = query.trim().toLowerCase();
  if (typed === '') return { kind: 'unknown' };
  const ids = new Set([typed, ...resolvedIds.map((id) => id.toLowerCase())]);
  const byId = people.filter(
    (p) =>
      ids.has(p.aadObjectId.toLowerCase()) ||
      p.teamsUserIds.some((t) => ids.has(t.toLowerCase())) ||
      p.emails.some((e) => ids.has(e.toLowerCase())),
  );
  if (byId.length > 0) return matchOf(byId);
  const wanted = normalizeForMatching(query);
  if (wanted === '' || typed.includes('@')) return { kind: 'unknown' };
  const exact = people.filter((p) => p.names.some((n) => normalizeForMatching(n) === wanted));
  if (exact.length > 0) return matchOf(exact);
  // Every typed word starts a word of the name: "megan", "bowen", "m bowen".
  const words = wanted.split(' ');
  const partial = people.filter((p) =>
    p.names.some((n) => {
      const nameWords = normalizeForMatching(n).split(' ');
      return words.every((w) => nameWords.some((nw) => nw.startsWith(w)));
    }),
  );
  return matchOf(partial);
}

function matchOf(people: KnownPerson[]): PersonMatch {
  const [only] = people;
  if (!only) return { kind: 'unknown' };
  if (people.length === 1) return { kind: 'found', person: only };
  const byName = (a: KnownPerson, b: KnownPerson) =>
    displayName(a).localeCompare(displayName(b)) || a.aadObjectId.localeCompare(b.aadObjectId);
  return { kind: 'ambiguous', people: [...people].sort(byName) };
}

/** The name to show for a person: the one stored most often, or the id when no record gives a name. */
export function displayName(person: KnownPerson): string {
  return person.names[0] ?? person.aadObjectId;
}

// ---------------------------------------------------------------------------------------------------------------
// What is stored about one person

/** Everything stored about one person, kind by kind. */
export interface PersonalData {
  person: KnownPerson;
  /** Report revisions they wrote, with their text. */
  reports: Report[];
  /** Measures naming them as an owner. */
  measures: Array<{ id: string; title: string; retired: boolean }>;
  /** Groups of the agreement naming them as a member. */
  groups: Array<{ id: string; name: string; kind: GroupKind; organisation: OrganisationKind }>;
  /** Channel bindings they made. */
  bindings: ChannelBinding[];
  /** Audit entries where they acted. */
  auditAsActor: AuditEntry[];
  /** Audit entries about them (someone exported their data, say), without who acted. */
  auditAbout: Array<Omit<AuditEntry, 'actor'>>;
  reviewAnswers: ReviewAnswer[];
  /** Check-in rounds they opened. */
  rounds: CheckInRound[];
  /** Their personal chat with the bot. */
  personalChat: StoredConversation[];
  /** Channels and group chats whose stored reference names them as the last person who wrote there. */
  lastWriterIn: StoredConversation[];
  /** The language they chose with `språk` (deleted on erasure: it only served to answer them). */
  languageChoice: LanguageChoice[];
  /** The agreement they last chose, when they take part in several (deleted on erasure, as the language). */
  agreementChoice: AgreementChoice[];
  /** Check-in cards delivered to their personal chat, and the reminders that reached it. */
  deliveries: Delivery[];
  reminders: Reminder[];
  /** Scheduled sends to their personal chat. */
  jobs: JobRecord[];
  /**
   * Revisions of the steering group's decisions they recorded or changed, or that name them as responsible (the
   * responsible is free text, so by one of their names).
   */
  decisions: Decision[];
}

export function collectPersonalData(data: StoredData, person: KnownPerson): PersonalData {
  const isThem = identityTest(person);
  const { agreement, bindings } = data.plan;
  return {
    person,
    reports: data.reports.filter((r) => isThem(r.reportedBy.aadObjectId)),
    measures: agreement.measures
      .filter((m) => m.owners.some((o) => isThem(o.aadObjectId)))
      .map((m) => ({ id: m.id, title: m.title, retired: m.retired === true })),
    groups: agreement.groups.flatMap((g) =>
      g.members
        .filter((p) => isThem(p.aadObjectId))
        .map((p) => ({ id: g.id, name: g.name, kind: g.kind, organisation: p.organisation })),
    ),
    bindings: bindings.filter((b) => isThem(b.boundBy.aadObjectId)),
    auditAsActor: data.audit.filter((e) => isThem(e.actor.aadObjectId)),
    auditAbout: data.audit
      .filter((e) => !isThem(e.actor.aadObjectId) && mentions(e.details, person))
      .map(({ actor: _actor, ...entry }) => entry),
    reviewAnswers: data.reviews.filter((a) => isThem(a.answeredBy.aadObjectId)),
    rounds: data.rounds.filter((r) => !!r.openedBy && isThem(r.openedBy.aadObjectId)),
    personalChat: data.conversations.filter((c) => c.kind === 'personal' && isThem(c.id)),
    lastWriterIn: data.conversations.filter(
      (c) => c.kind !== 'personal' && isThem(userOf(c)?.aadObjectId ?? userOf(c)?.id ?? ''),
    ),
    languageChoice: data.languageChoices.filter((c) => isThem(c.aadObjectId)),
    agreementChoice: (data.agreementChoices ?? []).filter((c) => isThem(c.aadObjectId)),
    deliveries: data.deliveries.filter((d) => isPersonalTarget(d.target, isThem)),
    reminders: data.reminders.filter((r) => isPersonalTarget(r.target, isThem)),
    jobs: data.jobs.filter((j) => isThem(personalTargetOf(j) ?? '')),
    decisions: (data.decisions ?? []).filter(
      (d) =>
        isThem(d.recordedBy.aadObjectId) ||
        isThem(d.changedBy?.aadObjectId ?? '') ||
        namesPerson(d.responsible, person),
    ),
  };
}

/** How many records of each kind, as the confirmation card and the audit entry of an erasure count them. */
export interface PersonalDataCounts {
  reports: number;
  measures: number;
  bindings: number;
  audit: number;
  reviewAnswers: number;
  rounds: number;
  conversations: number;
  deliveries: number;
  languageChoice: number;
  agreementChoice: number;
  decisions: number;
}

export function countsOf(data: PersonalData): PersonalDataCounts {
  return {
    reports: data.reports.length,
    measures: data.measures.length,
    bindings: data.bindings.length,
    audit: data.auditAsActor.length + data.auditAbout.length,
    reviewAnswers: data.reviewAnswers.length,
    rounds: data.rounds.length,
    conversations: data.personalChat.length + data.lastWriterIn.length,
    deliveries: data.deliveries.length + data.reminders.length + data.jobs.length,
    languageChoice: data.languageChoice.length,
    agreementChoice: data.agreementChoice.length,
    decisions: data.decisions.length,
  };
}

export function isEmpty(counts: PersonalDataCounts): boolean {
  return Object.values(counts).every((n) => n === 0);
}

/** The kinds of record an agreement keeps itself; the rest (chats, choices, sends) the deployment keeps once. */
export type AgreementCounts = Pick<
  PersonalDataCounts,
  'reports' | 'measures' | 'bindings' | 'audit' | 'reviewAnswers' | 'rounds' | 'decisions'
>;

export function agreementCountsOf(data: PersonalData): AgreementCounts {
  const { reports, measures, bindings, audit, reviewAnswers, rounds, decisions } = countsOf(data);
  return { reports, measures, bindings, audit, reviewAnswers, rounds, decisions };
}

/** Whether an agreement's own records name the person: its file (a group or a measure) or anything stored in it. */
export function appearsInAgreement(data: PersonalData): boolean {
  return data.groups.length > 0 || !isEmpty({ ...noRecords, ...agreementCountsOf(data) });
}

/** Nothing of any kind: where counts are summed from. */
export const noRecords: PersonalDataCounts = {
  reports: 0,
  measures: 0,
  bindings: 0,
  audit: 0,
  reviewAnswers: 0,
  rounds: 0,
  conversations: 0,
  deliveries: 0,
  languageChoice: 0,
  agreementChoice: 0,
  decisions: 0,
};

/**
 * One person's data from several agreements as one: each agreement's records together, the deployment's once.
 * Every part must be collected with the same deployment-wide data (the first part's is kept).
 */
export function combinePersonalData(parts: readonly PersonalData[]): PersonalData {
  const [first, ...rest] = parts;
  if (!first) throw new Error('combinePersonalData needs at least one part');
  const merged: PersonalData = { ...first };
  for (const part of rest) {
    merged.reports = [...merged.reports, ...part.reports];
    merged.measures = [...merged.measures, ...part.measures];
    merged.groups = [...merged.groups, ...part.groups];
    merged.bindings = [...merged.bindings, ...part.bindings];
    merged.auditAsActor = [...merged.auditAsActor, ...part.auditAsActor];
    merged.auditAbout = [...merged.auditAbout, ...part.auditAbout];
    merged.reviewAnswers = [...merged.reviewAnswers, ...part.reviewAnswers];
    merged.rounds = [...merged.rounds, ...part.rounds];
    merged.decisions = [...merged.decisions, ...part.decisions];
  }
  return merged;
}

/**
 * What keeps a person from being erased: measures they still own, which someone else must take over first, and
 * groups of the agreement they still belong to (groups come from the agreement file, so the file must change).
 */
export function erasureBlockers(data: PersonalData): {
  activeMeasures: PersonalData['measures'];
  groups: PersonalData['groups'];
} {
  return { activeMeasures: data.measures.filter((m) => !m.retired), groups: data.groups };
}

/** Where an agreement file names the person: the measures (by id) and groups (by id) listing them. */
export function placesInAgreement(agreement: Agreement, person: KnownPerson): string[] {
  const isThem = identityTest(person);
  return [
    ...agreement.measures.filter((m) => m.owners.some((o) => isThem(o.aadObjectId))).map((m) => m.id),
    ...agreement.groups.filter((g) => g.members.some((p) => isThem(p.aadObjectId))).map((g) => g.id),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The export (art. 15)

export interface ExportHeader {
  /** One sentence saying what the file is, in the coordinator's language. */
  about: string;
  madeAt: Date;
  timeZone: string;
  /** Agreements that hold something about the person but are not in the file: their coordinators must be asked. */
  notIncluded: ReadonlyArray<{ id: string; title: string; kind: AgreementKind; name: string }>;
}

/** One agreement's part of an export: the agreement, and what was collected from it (with the deployment's). */
export interface AgreementPart {
  agreement: Pick<Agreement, 'id' | 'title' | 'kind'>;
  data: PersonalData;
}

/**
 * The export file's content: a short header, every agreement's records about the person (as stored, agreement
 * by agreement), then what the deployment keeps once for all agreements (their chat, choices and sends to it).
 * The parts must be collected with the same deployment-wide data; the first part's is used.
 */
export function exportDocument(
  parts: readonly AgreementPart[],
  header: ExportHeader,
): Record<string, unknown> {
  const local = DateTime.fromJSDate(header.madeAt).setZone(header.timeZone);
  const all = combinePersonalData(parts.map((p) => p.data));
  return {
    about: header.about,
    madeAt: {
      local: `${local.toFormat('yyyy-LL-dd HH:mm:ss')} ${header.timeZone}`,
      utc: header.madeAt.toISOString(),
    },
    person: {
      aadObjectId: all.person.aadObjectId,
      names: all.person.names,
      teamsUserIds: all.person.teamsUserIds,
      ...(all.person.emails.length > 0 ? { emails: all.person.emails } : {}),
    },
    counts: countsOf(all),
    agreements: parts.map(({ agreement, data }) => ({
      id: agreement.id,
      title: agreement.title,
      kind: agreement.kind,
      counts: agreementCountsOf(data),
      reports: data.reports,
      measuresOwned: data.measures,
      groupMemberships: data.groups,
      channelBindings: data.bindings,
      auditEntries: data.auditAsActor,
      auditEntriesAboutThePerson: data.auditAbout,
      reviewAnswers: data.reviewAnswers,
      roundsOpened: data.rounds,
      steeringGroupDecisions: data.decisions,
    })),
    notIncluded: header.notIncluded,
    personalChat: all.personalChat,
    languageChoice: all.languageChoice,
    agreementChoice: all.agreementChoice,
    lastWriterInConversations: all.lastWriterIn.map((c) => ({
      kind: c.kind,
      id: c.id,
      updatedAt: c.updatedAt,
      user: userOf(c),
    })),
    checkInDeliveries: all.deliveries,
    reminders: all.reminders,
    scheduledSends: all.jobs,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The erasure (art. 17): each function returns the record with the person replaced, or undefined if the record
// does not name them (so storage leaves it alone).

export function pseudonymiseReport(
  report: Report,
  person: KnownPerson,
  pseudonym: Pseudonym,
): Report | undefined {
  if (!identityTest(person)(report.reportedBy.aadObjectId)) return undefined;
  return { ...report, reportedBy: { ...pseudonym } };
}

/**
 * A decision revision with the person replaced where it names them: who recorded or changed it, and their name in
 * the free-text responsible (whatever else it says stays).
 */
export function pseudonymiseDecision(
  decision: Decision,
  person: KnownPerson,
  pseudonym: Pseudonym,
): Decision | undefined {
  const isThem = identityTest(person);
  const recorded = isThem(decision.recordedBy.aadObjectId);
  const changed = isThem(decision.changedBy?.aadObjectId ?? '');
  const replaced = withoutNames(decision.responsible, person, pseudonym.name);
  // Spelt otherwise than stored ("Frida Faltstrom"): then the whole field goes, not a name that stays findable.
  const responsible = !namesPerson(decision.responsible, person)
    ? decision.responsible
    : namesPerson(replaced, person)
      ? pseudonym.name
      : replaced;
  if (!recorded && !changed && responsible === decision.responsible) return undefined;
  return {
    ...decision,
    ...(recorded ? { recordedBy: { ...pseudonym } } : {}),
    ...(changed ? { changedBy: { ...pseudonym } } : {}),
    responsible,
  };
}

export function pseudonymiseReview(
  answer: ReviewAnswer,
  person: KnownPerson,
  pseudonym: Pseudonym,
): ReviewAnswer | undefined {
  if (!identityTest(person)(answer.answeredBy.aadObjectId)) return undefined;
  return { ...answer, answeredBy: { ...pseudonym } };
}

export function pseudonymiseBinding(
  binding: ChannelBinding,
  person: KnownPerson,
  pseudonym: Pseudonym,
): ChannelBinding | undefined {
  if (!identityTest(person)(binding.boundBy.aadObjectId)) return undefined;
  return { ...binding, boundBy: { ...pseudonym } };
}

export function pseudonymiseRound(
  round: CheckInRound,
  person: KnownPerson,
  pseudonym: Pseudonym,
): CheckInRound | undefined {
  if (!round.openedBy || !identityTest(person)(round.openedBy.aadObjectId)) return undefined;
  return { ...round, openedBy: { ...pseudonym } };
}

/** A retired measure's owners; the pseudonym appears once even if the person was listed twice. */
export function pseudonymiseMeasure(
  measure: Measure,
  person: KnownPerson,
  pseudonym: Pseudonym,
): Measure | undefined {
  const isThem = identityTest(person);
  if (!measure.owners.some((o) => isThem(o.aadObjectId))) return undefined;
  const owners: TeamsUser[] = [];
  for (const owner of measure.owners) {
    const next = isThem(owner.aadObjectId) ? { ...pseudonym } : owner;
    if (!owners.some((o) => o.aadObjectId === next.aadObjectId)) owners.push(next);
  }
  return { ...measure, owners };
}

/**
 * An audit entry they acted in, or whose details name them. Details hold ids and values, never what someone
 * wrote, so every value that is the person's id, Teams id or name is replaced.
 */
export function pseudonymiseAuditEntry(
  entry: AuditEntry,
  person: KnownPerson,
  pseudonym: Pseudonym,
): AuditEntry | undefined {
  const actedByThem = identityTest(person)(entry.actor.aadObjectId);
  if (!actedByThem && !mentions(entry.details, person)) return undefined;
  return {
    ...entry,
    actor: actedByThem ? { ...pseudonym } : entry.actor,
    details: replaceIdentity(entry.details, person, pseudonym) as Record<string, unknown>,
  };
}

/**
 * A channel's or group chat's reference whose last writer was the person: Teams needs no user to post in a
 * channel, so the pseudonym stands in until the next message refreshes the reference.
 */
export function pseudonymiseConversation(
  conversation: StoredConversation,
  person: KnownPerson,
  pseudonym: Pseudonym,
): StoredConversation | undefined {
  if (conversation.kind === 'personal') return undefined;
  const user = userOf(conversation);
  if (!user || !identityTest(person)(user.aadObjectId ?? user.id ?? '')) return undefined;
  return {
    ...conversation,
    reference: {
      ...conversation.reference,
      user: { id: pseudonym.aadObjectId, name: pseudonym.name, aadObjectId: pseudonym.aadObjectId },
    },
  };
}

/** Their personal chat: deleted, not pseudonymised, as it only served to reach them. */
export function isPersonalChatOf(conversation: StoredConversation, person: KnownPerson): boolean {
  return conversation.kind === 'personal' && identityTest(person)(conversation.id);
}

export function isDeliveryTo(target: PromptTarget, person: KnownPerson): boolean {
  return isPersonalTarget(target, identityTest(person));
}

export function isJobFor(job: Pick<JobRecord, 'id' | 'payload'>, person: KnownPerson): boolean {
  return identityTest(person)(personalTargetOf(job) ?? '');
}

// ---------------------------------------------------------------------------------------------------------------

/** True when free text names the person by one of their stored names (as a whole word, case and diacritics aside). */
function namesPerson(text: string, person: KnownPerson): boolean {
  const normalized = ` ${normalizeForMatching(text)} `;
  return person.names.some((name) => {
    const wanted = normalizeForMatching(name);
    return wanted !== '' && normalized.includes(` ${wanted} `);
  });
}

/** The text with each of the person's names (any case) replaced. */
function withoutNames(text: string, person: KnownPerson, replacement: string): string {
  return person.names
    .filter((name) => name.trim() !== '')
    .reduce(
      (result, name) =>
        result.replace(new RegExp(name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'), replacement),
      text,
    );
}

function identityTest(person: KnownPerson): (id: string) => boolean {
  const ids = new Set([person.aadObjectId, ...person.teamsUserIds].map((id) => id.toLowerCase()));
  return (id) => id !== '' && ids.has(id.toLowerCase());
}

function isPersonalTarget(target: PromptTarget, isThem: (id: string) => boolean): boolean {
  return target.kind === 'personal' && isThem(target.aadObjectId);
}

/** The person a job sends to: `prompt|round|measure|personal:<id>`, or a payload's personal target. */
function personalTargetOf(job: Pick<JobRecord, 'id' | 'payload'>): string | undefined {
  const target = job.payload?.target as { kind?: unknown; aadObjectId?: unknown } | undefined;
  if (target?.kind === 'personal' && typeof target.aadObjectId === 'string') return target.aadObjectId;
  return /\|personal:(.+)$/.exec(job.id)?.[1];
}

function userOf(
  conversation: StoredConversation,
): { id?: string; name?: string; aadObjectId?: string } | undefined {
  const user = conversation.reference.user;
  if (typeof user !== 'object' || user === null) return undefined;
  const { id, name, aadObjectId } = user as Record<string, unknown>;
  return {
    ...(typeof id === 'string' ? { id } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof aadObjectId === 'string' ? { aadObjectId } : {}),
  };
}

/** Whether any value in a record's details is the person's id or Teams id. */
function mentions(value: unknown, person: KnownPerson): boolean {
  const isThem = identityTest(person);
  const visit = (node: unknown): boolean => {
    if (typeof node === 'string') return isThem(node);
    if (Array.isArray(node)) return node.some(visit);
    if (typeof node === 'object' && node !== null) return Object.values(node).some(visit);
    return false;
  };
  return visit(value);
}

function replaceIdentity(value: unknown, person: KnownPerson, pseudonym: Pseudonym): unknown {
  const isThem = identityTest(person);
  const names = new Set(person.names);
  if (typeof value === 'string') {
    if (isThem(value)) return pseudonym.aadObjectId;
    return names.has(value) ? pseudonym.name : value;
  }
  if (Array.isArray(value)) return value.map((v) => replaceIdentity(v, person, pseudonym));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, replaceIdentity(v, person, pseudonym)]),
    );
  }
  return value;
}
