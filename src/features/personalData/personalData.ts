import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isCoordinator, type Agreement } from '../../domain/agreement.js';
import { takesPart } from '../../domain/conversationAgreement.js';
import type { PersonalDataIntent } from '../../domain/command.js';
import { normalizeForMatching } from '../../domain/wordMatching.js';
import type { Locale } from '../../domain/locale.js';
import {
  agreementCountsOf,
  appearsInAgreement,
  collectPersonalData,
  combinePersonalData,
  countsOf,
  displayName,
  erasureBlockers,
  exportDocument,
  findPerson,
  isDeliveryTo,
  isEmpty,
  isJobFor,
  knownPeopleIn,
  noRecords,
  placesInAgreement,
  pseudonymIdSchema,
  pseudonymiseAuditEntry,
  pseudonymiseBinding,
  pseudonymiseConversation,
  pseudonymiseMeasure,
  pseudonymiseReport,
  pseudonymiseReview,
  pseudonymiseDecision,
  pseudonymiseRound,
  type KnownPerson,
  type PersonalData,
  type PersonalDataCounts,
  type Pseudonym,
  type StoredData,
} from '../../domain/personalData.js';
import type { Plan } from '../../domain/plan.js';
import { log } from '../../platform/log.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { messagesFor } from '../shared/messages.js';
import type { FileSource, OfferedFile } from '../fileOffer.js';
import type { Turn } from '../turn.js';
import { noticeView, personalDataFacts, personalDataView } from '../shared/views.js';
import { agreementName } from '../agreements/agreementName.js';
import { personalDataTextsFor } from './personalDataTexts.js';

export interface PersonalDataDependencies
  extends
    Pick<AgreementContext, 'agreementId' | 'timeZone' | 'locale' | 'now'>,
    Pick<
      Repositories,
      | 'plans'
      | 'reports'
      | 'audit'
      | 'reviews'
      | 'rounds'
      | 'conversations'
      | 'languages'
      | 'agreementChoices'
      | 'jobs'
      | 'decisions'
    > {
  /**
   * Every agreement the deployment serves, as its file was read at start and where it is (this one among them): a
   * request covers each one where the asking coordinator is a coordinator, and an erasure says whether its file
   * still names the person.
   */
  agreementFiles: readonly AgreementFile[];
}

export interface AgreementFile {
  path: string;
  agreement: Agreement;
}

/** The name a consent card carries so the file is built here again when the coordinator accepts it. */
export const personalDataSource = 'personalData';

/** What the choice card's buttons carry: which person, and whether to export or erase. */
const choiceSchema = z.object({
  intent: z.enum(['export', 'erase']),
  aadObjectId: z.string().trim().min(1).max(200),
});

/** What the erase button carries: the person, and the pseudonym chosen when the card was made. */
const eraseSchema = z.object({
  aadObjectId: z.string().trim().min(1).max(200),
  pseudonym: pseudonymIdSchema,
});

/** The consent card's arguments: only the person's id; the file is built again from storage on accept. */
const fileArgsSchema = z.strictObject({ aadObjectId: z.string().min(1).max(200) });

type Person = { aadObjectId: string; name: string };

/** Counts of what an erasure did, as recorded in the audit log (never who was erased). */
type Erased = PersonalDataCounts;

/** One agreement's stored data, with the deployment's, and its file. */
interface AgreementRecords {
  file: AgreementFile;
  stored: StoredData;
}

/**
 * What a request covers: the agreements where the asking coordinator is a coordinator and the person appears (the
 * one asked in always first, as it carries the deployment-wide data), and those where the person appears but the
 * asker is not a coordinator, which are only named.
 */
interface Scope {
  person: KnownPerson;
  covered: AgreementRecords[];
  others: AgreementRecords[];
}

/** How many agreements' data are read at once: a request is rare, but a deployment may serve hundreds. */
const readAtOnce = 8;

/**
 * `personuppgifter` and `radera personuppgifter`: a registered person's request for their data (GDPR art. 15)
 * and its erasure (art. 17), handled by a coordinator. The bot checks the role in the agreement asked in before
 * calling; the request then covers every agreement where the asker is a coordinator too, and names the others.
 */
export class PersonalDataRequests {
  constructor(private readonly deps: PersonalDataDependencies) {}

  /** The export file as a source for the consent card's accept: built again for who accepts, as on the offer. */
  fileSource(): FileSource {
    return {
      action: 'handlePersonalData',
      texts: (locale) => {
        const m = messagesFor(locale);
        return {
          title: m.personalData.title,
          notAllowed: m.personalData.onlyCoordinators,
          declined: m.personalData.declined,
          uploadFailed: m.personalData.uploadFailed,
        };
      },
      build: async (plan, args, locale, by) => {
        const m = messagesFor(locale);
        const parsed = fileArgsSchema.safeParse(args);
        if (!parsed.success) return { unavailable: m.unknownAction };
        const stores = await this.read(plan);
        const scope = this.scopeOf(stores, by.aadObjectId, parsed.data.aadObjectId);
        if (!scope) return { unavailable: m.personalData.nothingStored };
        return this.exportFile(scope, locale);
      },
    };
  }

  /**
   * A coordinator typed the command. Returns the card to answer with where they asked, or undefined when the
   * answer (the consent card in their personal chat) was sent already.
   */
  async command(
    turn: Turn,
    plan: Plan,
    intent: PersonalDataIntent,
    query: string,
    locale: Locale,
  ): Promise<AdaptiveCardJson | undefined> {
    const m = messagesFor(locale);
    const stores = await this.read(plan);
    const people = knownPeopleIn(stores.map((s) => s.stored));
    const isEmail = query.includes('@');
    const match = findPerson(people, query, isEmail ? await this.idsInTeams(turn, query) : []);
    log.info('personalData.command', { intent, match: match.kind });
    const asker = turn.person.aadObjectId;
    switch (match.kind) {
      case 'unknown':
        return notice(
          m.personalData.title,
          isEmail ? m.personalData.unknownEmail(query) : m.personalData.unknownPerson(query),
        );
      case 'ambiguous':
        return this.choiceCard(stores, asker, match.people, query, intent, locale);
      case 'found': {
        const scope = this.scopeFor(stores, asker, match.person);
        return intent === 'export' ? this.offerExport(turn, scope, locale) : this.confirmation(scope, locale);
      }
    }
  }

  /** `personalData.choose`: one of several people of the same name was chosen. */
  async choose(
    turn: Turn,
    plan: Plan,
    data: unknown,
    locale: Locale,
  ): Promise<{ card: AdaptiveCardJson } | { message: string }> {
    const m = messagesFor(locale);
    const parsed = choiceSchema.safeParse(data);
    if (!parsed.success) return { message: m.personalData.badCard };
    const stores = await this.read(plan);
    const scope = this.scopeOf(stores, turn.person.aadObjectId, parsed.data.aadObjectId);
    if (!scope) return { message: m.personalData.nothingStored };
    if (parsed.data.intent === 'erase') return { card: this.confirmation(scope, locale) };
    const card = await this.offerExport(turn, scope, locale);
    // The choice card stays as it is; the consent card went to the personal chat (or says why it could not).
    return card ? { card } : { message: m.export.sentToPersonalChat };
  }

  /**
   * `personalData.erase`: the coordinator confirmed. Everything is read again and the refusals are checked
   * again, since the card may be old. Pressed twice (or after an interrupted run), it finishes what is left.
   */
  async erase(plan: Plan, data: unknown, by: Person, locale: Locale): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const texts = personalDataTextsFor(locale);
    const parsed = eraseSchema.safeParse(data);
    if (!parsed.success) return notice(m.problemTitle, m.personalData.badCard);
    const stores = await this.read(plan);
    const scope = this.scopeOf(stores, by.aadObjectId, parsed.data.aadObjectId);
    if (!scope) return notice(m.personalData.title, m.personalData.nothingLeft);
    const refusal = this.refusal(scope, locale);
    if (refusal) return refusal;

    const pseudonym: Pseudonym = {
      aadObjectId: parsed.data.pseudonym,
      name: messagesFor(this.deps.locale).personalData.erasedName,
    };
    // Their chat, choices and sends reach them for every agreement: kept while another one still needs them.
    const stillIn = this.stillTakesPartIn(scope);
    const erased = await this.eraseEverywhere(scope, pseudonym, stillIn.length === 0);
    const total = sum(erased.map((e) => e.counts));
    if (isEmpty(total)) return notice(m.personalData.title, m.personalData.nothingLeft);
    // The erasure is itself a record, in each agreement it changed: who did it and how much, never whom.
    for (const { agreementId, counts } of erased) {
      await this.deps.audit.record({
        agreementId,
        actor: by,
        action: 'erasePersonalData',
        details: { agreementId, pseudonym: pseudonym.aadObjectId, ...counts },
        at: this.deps.now().toISOString(),
      });
    }
    log.info('personalData.erased', {
      pseudonym: pseudonym.aadObjectId,
      agreements: erased.length,
      ...total,
    });
    const summary = personalDataFacts(locale, total)
      .map((f) => `${f.label}: ${f.value}`)
      .join('; ');
    const notes = [
      ...this.coversNote(scope, locale),
      ...scope.covered.flatMap(({ file }) => {
        const places = placesInAgreement(file.agreement, scope.person);
        return places.length > 0 ? [m.personalData.stillInFile(file.path, places.join(', '))] : [];
      }),
      ...(stillIn.length > 0 ? [texts.chatKept(this.names(stillIn, locale))] : []),
      ...this.othersNote(scope, locale),
    ];
    return renderCard(
      'personalData',
      personalDataView({
        title: m.personalData.erasedTitle,
        intro: m.personalData.erased(summary),
        ...(notes.length > 0 ? { note: notes.join('\n\n') } : {}),
      }),
    );
  }

  /**
   * Every loaded agreement's stored data, the one asked in first (with the plan the turn read), each with the
   * deployment-wide data read once. An agreement whose plan is not stored (yet) is left out.
   */
  private async read(plan: Plan): Promise<AgreementRecords[]> {
    const deps = this.deps;
    const [conversations, languageChoices, agreementChoices, deliveries, reminders, jobs] = await Promise.all(
      [
        deps.conversations.all(),
        deps.languages.all(),
        deps.agreementChoices.all(),
        deps.rounds.allDeliveries(),
        deps.rounds.allReminders(),
        deps.jobs.everyJob(),
      ],
    );
    const deployment = { conversations, languageChoices, agreementChoices, deliveries, reminders, jobs };
    const asked = deps.agreementFiles.find((f) => f.agreement.id === plan.agreement.id) ?? {
      path: '',
      agreement: plan.agreement,
    };
    const files = [asked, ...deps.agreementFiles.filter((f) => f !== asked)];
    const records: AgreementRecords[] = [];
    for (let i = 0; i < files.length; i += readAtOnce) {
      const batch = await Promise.all(
        files.slice(i, i + readAtOnce).map(async (file) => {
          const id = file.agreement.id;
          const stored = id === plan.agreement.id ? plan : await deps.plans.load(id);
          if (!stored) return undefined;
          const [reports, audit, reviews, rounds, decisions] = await Promise.all([
            deps.reports.allHistory(id),
            deps.audit.all(id),
            deps.reviews.list(id),
            deps.rounds.list(id),
            deps.decisions.allRevisions(id),
          ]);
          const data: StoredData = {
            plan: stored,
            reports,
            audit,
            reviews,
            rounds,
            decisions,
            ...deployment,
          };
          return { file, stored: data };
        }),
      );
      records.push(...batch.filter((r): r is AgreementRecords => r !== undefined));
    }
    return records;
  }

  /** The scope for a person known by id, or undefined when nothing anywhere names them any more. */
  private scopeOf(
    stores: readonly AgreementRecords[],
    asker: string | undefined,
    aadObjectId: string,
  ): Scope | undefined {
    const person = knownPeopleIn(stores.map((s) => s.stored)).find((p) => p.aadObjectId === aadObjectId);
    return person ? this.scopeFor(stores, asker, person) : undefined;
  }

  private scopeFor(
    stores: readonly AgreementRecords[],
    asker: string | undefined,
    person: KnownPerson,
  ): Scope {
    const [asked, ...rest] = stores;
    const appearing = rest.filter((r) => appearsInAgreement(collectPersonalData(r.stored, person)));
    return {
      person,
      covered: [
        ...(asked ? [asked] : []),
        ...appearing.filter((r) => isCoordinator(r.stored.plan.agreement, asker)),
      ],
      others: appearing.filter((r) => !isCoordinator(r.stored.plan.agreement, asker)),
    };
  }

  /** The person's data in the covered agreements, the deployment's once. */
  private dataOf(scope: Scope): PersonalData {
    return combinePersonalData(scope.covered.map((r) => collectPersonalData(r.stored, scope.person)));
  }

  /** The uncovered agreements whose file still has the person in a group or as a measure owner. */
  private stillTakesPartIn(scope: Scope): Agreement[] {
    return scope.others
      .map((r) => r.stored.plan.agreement)
      .filter((a) => takesPart(a, scope.person.aadObjectId));
  }

  private names(agreements: readonly Agreement[], locale: Locale): string {
    const today = this.deps.now().toISOString().slice(0, 10);
    return agreements.map((a) => agreementName(a, locale, today)).join('; ');
  }

  /** Which agreements a request covers, said only when the deployment serves more than one. */
  private coversNote(scope: Scope, locale: Locale): string[] {
    if (this.deps.agreementFiles.length < 2) return [];
    const agreements = scope.covered.map((r) => r.stored.plan.agreement);
    return [personalDataTextsFor(locale).covers(this.names(agreements, locale))];
  }

  /** The agreements whose coordinators must be asked, if any. */
  private othersNote(scope: Scope, locale: Locale): string[] {
    if (scope.others.length === 0) return [];
    const agreements = scope.others.map((r) => r.stored.plan.agreement);
    return [personalDataTextsFor(locale).otherAgreements(this.names(agreements, locale))];
  }

  /**
   * Teams' id for an e-mail address, when the address belongs to a member of the conversation (or team) the
   * coordinator writes in: the bot stores no e-mail addresses itself.
   */
  private async idsInTeams(turn: Turn, email: string): Promise<string[]> {
    const member = await turn.member(email.trim());
    return [member?.aadObjectId, member?.id].filter(
      (id): id is string => typeof id === 'string' && id !== '',
    );
  }

  private async offerExport(turn: Turn, scope: Scope, locale: Locale): Promise<AdaptiveCardJson | undefined> {
    const m = messagesFor(locale);
    if (isEmpty(countsOf(this.dataOf(scope))) && scope.others.length > 0) {
      return notice(m.personalData.title, this.othersNote(scope, locale).join(' '));
    }
    const file = this.exportFile(scope, locale);
    const delivery = await turn.offerFile({
      source: personalDataSource,
      args: { aadObjectId: scope.person.aadObjectId },
      file,
    });
    if (delivery === 'here') return undefined;
    return notice(
      m.personalData.title,
      delivery === 'personalChat' ? m.export.sentToPersonalChat : m.personalData.needsPersonalChat,
    );
  }

  /**
   * The JSON file: UTF-8, pretty, a short header first. Recorded in the audit log of each agreement it covers
   * just before it leaves.
   */
  private exportFile(scope: Scope, locale: Locale): OfferedFile {
    const m = messagesFor(locale);
    const name = displayName(scope.person);
    const madeAt = this.deps.now();
    const today = madeAt.toISOString().slice(0, 10);
    const parts = scope.covered.map((r) => ({
      agreement: r.stored.plan.agreement,
      data: collectPersonalData(r.stored, scope.person),
    }));
    const document = exportDocument(parts, {
      about: m.personalData.fileAbout(name),
      madeAt,
      timeZone: this.deps.timeZone,
      notIncluded: scope.others.map(({ stored: { plan } }) => ({
        id: plan.agreement.id,
        title: plan.agreement.title,
        kind: plan.agreement.kind,
        name: agreementName(plan.agreement, locale, today),
      })),
    });
    const date = madeAt.toISOString().slice(0, 10);
    const slug =
      normalizeForMatching(name)
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'person';
    return {
      name: m.personalData.fileName(slug.slice(0, 60), date),
      bytes: new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`),
      fileType: 'json',
      description: m.personalData.fileDescription(name),
      text: [m.personalData.fileText, ...this.othersNote(scope, locale)].join(' '),
      beforeUpload: async (by) => {
        for (const part of parts) {
          await this.deps.audit.record({
            agreementId: part.agreement.id,
            actor: by,
            action: 'exportPersonalData',
            details: {
              agreementId: part.agreement.id,
              person: scope.person.aadObjectId,
              ...(part === parts[0] ? countsOf(part.data) : agreementCountsOf(part.data)),
            },
            at: this.deps.now().toISOString(),
          });
        }
      },
    };
  }

  private choiceCard(
    stores: readonly AgreementRecords[],
    asker: string | undefined,
    people: readonly KnownPerson[],
    asked: string,
    intent: PersonalDataIntent,
    locale: Locale,
  ): AdaptiveCardJson {
    const m = messagesFor(locale);
    const records = (person: KnownPerson) =>
      Object.values(countsOf(this.dataOf(this.scopeFor(stores, asker, person)))).reduce((a, b) => a + b, 0);
    return renderCard(
      'personalData',
      personalDataView({
        title: m.personalData.chooseTitle(asked),
        lines: people.map((p) => m.personalData.choiceLine(displayName(p), p.aadObjectId, records(p))),
        // Teams shows at most six buttons on a card.
        buttons: people.slice(0, 6).map((p) => ({
          title: m.personalData.choose(displayName(p), p.aadObjectId),
          verb: 'personalData.choose',
          data: { verb: 'personalData.choose', intent, aadObjectId: p.aadObjectId },
        })),
      }),
    );
  }

  /** The card that says what an erasure will do, or why it cannot be done yet. */
  private confirmation(scope: Scope, locale: Locale): AdaptiveCardJson {
    const m = messagesFor(locale);
    const refusal = this.refusal(scope, locale);
    if (refusal) return refusal;
    const counts = countsOf(this.dataOf(scope));
    const others = this.othersNote(scope, locale);
    if (isEmpty(counts))
      return notice(m.personalData.title, [m.personalData.nothingStored, ...others].join(' '));
    const stillIn = this.stillTakesPartIn(scope);
    // Chosen now and carried by the button, so a repeated or interrupted erasure uses the same pseudonym.
    const pseudonym = `erased-${randomBytes(8).toString('hex')}`;
    return renderCard(
      'personalData',
      personalDataView({
        title: m.personalData.eraseTitle(displayName(scope.person)),
        intro: [m.personalData.eraseIntro, ...this.coversNote(scope, locale)].join(' '),
        facts: personalDataFacts(locale, counts),
        note: [
          m.personalData.contentsKept,
          ...(stillIn.length > 0 ? [personalDataTextsFor(locale).chatKept(this.names(stillIn, locale))] : []),
          ...others,
        ].join('\n\n'),
        buttons: [
          {
            title: m.personalData.eraseButton,
            verb: 'personalData.erase',
            data: { verb: 'personalData.erase', aadObjectId: scope.person.aadObjectId, pseudonym },
          },
        ],
      }),
    );
  }

  /**
   * Someone who still owns active measures or belongs to a group of a covered agreement is not erased (in an
   * agreement they are not covered by, that is for its coordinators).
   */
  private refusal(scope: Scope, locale: Locale): AdaptiveCardJson | undefined {
    const m = messagesFor(locale);
    const name = displayName(scope.person);
    const blocked = scope.covered.map((r) => ({
      file: r.file,
      ...erasureBlockers(collectPersonalData(r.stored, scope.person)),
    }));
    const activeMeasures = blocked.flatMap((b) => b.activeMeasures);
    if (activeMeasures.length > 0) {
      const list = activeMeasures.map((x) => `${x.id} ${x.title}`).join(', ');
      return notice(m.problemTitle, m.personalData.stillOwns(name, list));
    }
    const inGroups = blocked.find((b) => b.groups.length > 0);
    if (inGroups) {
      const list = inGroups.groups.map((g) => g.name).join(', ');
      return notice(m.problemTitle, m.personalData.stillMember(name, list, inGroups.file.path));
    }
    return undefined;
  }

  /**
   * Replaces the person by the pseudonym in every covered agreement, and deletes what only served to reach them
   * (unless `reachable` is false). Every write is conditional on what was read (ETag). Sends to the person go
   * first and their personal chat last: until the end, a repeated erasure still finds the person by name.
   * Returns what changed per covered agreement; the deployment's counts go with the agreement asked in.
   */
  private async eraseEverywhere(
    scope: Scope,
    pseudonym: Pseudonym,
    forgetReach: boolean,
  ): Promise<Array<{ agreementId: string; counts: Erased }>> {
    const deps = this.deps;
    const { person } = scope;
    const jobs = forgetReach ? await deps.jobs.deleteJobs((job) => isJobFor(job, person)) : 0;
    const deliveries = forgetReach
      ? await deps.rounds.deleteDeliveriesTo((target) => isDeliveryTo(target, person))
      : 0;
    const perAgreement: Array<{ agreementId: string; counts: Erased }> = [];
    for (const { stored } of scope.covered) {
      const agreementId = stored.plan.agreement.id;
      perAgreement.push({
        agreementId,
        counts: { ...noRecords, ...(await this.eraseIn(agreementId, person, pseudonym)) },
      });
    }
    const shared = await deps.conversations.rewriteShared((c) =>
      pseudonymiseConversation(c, person, pseudonym),
    );
    const personal = forgetReach ? await deps.conversations.forgetPersonal(person.aadObjectId) : 0;
    const languageChoice = forgetReach ? await deps.languages.forget(person.aadObjectId) : 0;
    const agreementChoice = forgetReach ? await deps.agreementChoices.forget(person.aadObjectId) : 0;
    const [asked, ...rest] = perAgreement;
    if (!asked) return [];
    const deployment = {
      conversations: shared + personal,
      deliveries: deliveries + jobs,
      languageChoice,
      agreementChoice,
    };
    // An agreement where nothing changed gets no audit entry; the one asked in always does if anything changed.
    return [
      { agreementId: asked.agreementId, counts: { ...asked.counts, ...deployment } },
      ...rest.filter((r) => !isEmpty(r.counts)),
    ];
  }

  /** One agreement's own records: reports, review answers, rounds, decisions, its plan and its audit log. */
  private async eraseIn(agreementId: string, person: KnownPerson, pseudonym: Pseudonym) {
    const deps = this.deps;
    const reports = await deps.reports.rewriteRevisions(agreementId, (r) =>
      pseudonymiseReport(r, person, pseudonym),
    );
    const reviewAnswers = await deps.reviews.rewriteAnswers(agreementId, (a) =>
      pseudonymiseReview(a, person, pseudonym),
    );
    const rounds = await deps.rounds.rewriteRounds(agreementId, (r) =>
      pseudonymiseRound(r, person, pseudonym),
    );
    const decisions = await deps.decisions.rewriteAll(agreementId, (d) =>
      pseudonymiseDecision(d, person, pseudonym),
    );
    const planRows = await deps.plans.rewritePeople(
      agreementId,
      {
        // Only retired measures: an active one someone made them owner of meanwhile keeps them, and a later
        // erasure is refused until it is given to someone else.
        measure: (x) => (x.retired ? pseudonymiseMeasure(x, person, pseudonym) : undefined),
        binding: (b) => pseudonymiseBinding(b, person, pseudonym),
      },
      deps.now(),
    );
    const audit = await deps.audit.rewriteEntries(agreementId, (e) =>
      pseudonymiseAuditEntry(e, person, pseudonym),
    );
    return {
      reports,
      measures: planRows.measures.length,
      bindings: planRows.bindings,
      audit,
      reviewAnswers,
      rounds,
      decisions,
    };
  }
}

function sum(all: readonly Erased[]): Erased {
  const total = { ...noRecords };
  for (const counts of all) {
    for (const key of Object.keys(total) as Array<keyof Erased>) total[key] += counts[key];
  }
  return total;
}

function notice(title: string, text: string): AdaptiveCardJson {
  return renderCard('notice', noticeView(title, text));
}
