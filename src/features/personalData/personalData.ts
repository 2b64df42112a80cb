import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Agreement } from '../../domain/agreement.js';
import type { PersonalDataIntent } from '../../domain/command.js';
import { normalizeForMatching } from '../../domain/wordMatching.js';
import type { Locale } from '../../domain/locale.js';
import {
  collectPersonalData,
  countsOf,
  displayName,
  erasureBlockers,
  exportDocument,
  findPerson,
  isDeliveryTo,
  isEmpty,
  isJobFor,
  knownPeople,
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
  /** The agreement file as read at start, and where it is: an erasure says whether the file still names them. */
  agreementFile: { path: string; agreement: Agreement };
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

/**
 * `personuppgifter` and `radera personuppgifter`: a registered person's request for their data (GDPR art. 15)
 * and its erasure (art. 17), handled by a coordinator. The bot checks the role before calling.
 */
export class PersonalDataRequests {
  constructor(private readonly deps: PersonalDataDependencies) {}

  /** The export file as a source for the consent card's accept. */
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
      build: async (plan, args, locale) => {
        const m = messagesFor(locale);
        const parsed = fileArgsSchema.safeParse(args);
        if (!parsed.success) return { unavailable: m.unknownAction };
        const stored = await this.read(plan);
        const person = knownPeople(stored).find((p) => p.aadObjectId === parsed.data.aadObjectId);
        if (!person) return { unavailable: m.personalData.nothingStored };
        return this.exportFile(plan, collectPersonalData(stored, person), locale);
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
    const stored = await this.read(plan);
    const people = knownPeople(stored);
    const isEmail = query.includes('@');
    const match = findPerson(people, query, isEmail ? await this.idsInTeams(turn, query) : []);
    log.info('personalData.command', { intent, match: match.kind });
    switch (match.kind) {
      case 'unknown':
        return notice(
          m.personalData.title,
          isEmail ? m.personalData.unknownEmail(query) : m.personalData.unknownPerson(query),
        );
      case 'ambiguous':
        return this.choiceCard(stored, match.people, query, intent, locale);
      case 'found':
        return intent === 'export'
          ? this.offerExport(turn, plan, stored, match.person, locale)
          : this.confirmation(stored, match.person, locale);
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
    const stored = await this.read(plan);
    const person = knownPeople(stored).find((p) => p.aadObjectId === parsed.data.aadObjectId);
    if (!person) return { message: m.personalData.nothingStored };
    if (parsed.data.intent === 'erase') return { card: this.confirmation(stored, person, locale) };
    const card = await this.offerExport(turn, plan, stored, person, locale);
    // The choice card stays as it is; the consent card went to the personal chat (or says why it could not).
    return card ? { card } : { message: m.export.sentToPersonalChat };
  }

  /**
   * `personalData.erase`: the coordinator confirmed. Everything is read again and the refusals are checked
   * again, since the card may be old. Pressed twice (or after an interrupted run), it finishes what is left.
   */
  async erase(plan: Plan, data: unknown, by: Person, locale: Locale): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const parsed = eraseSchema.safeParse(data);
    if (!parsed.success) return notice(m.problemTitle, m.personalData.badCard);
    const stored = await this.read(plan);
    const person = knownPeople(stored).find((p) => p.aadObjectId === parsed.data.aadObjectId);
    if (!person) return notice(m.personalData.title, m.personalData.nothingLeft);
    const refusal = this.refusal(collectPersonalData(stored, person), locale);
    if (refusal) return refusal;

    const pseudonym: Pseudonym = {
      aadObjectId: parsed.data.pseudonym,
      name: messagesFor(this.deps.locale).personalData.erasedName,
    };
    const erased = await this.eraseEverywhere(plan, person, pseudonym);
    if (isEmpty(erased)) return notice(m.personalData.title, m.personalData.nothingLeft);
    // The erasure is itself a record: who did it and how much, never whom.
    await this.deps.audit.record({
      agreementId: plan.agreement.id,
      actor: by,
      action: 'erasePersonalData',
      details: { pseudonym: pseudonym.aadObjectId, ...erased },
      at: this.deps.now().toISOString(),
    });
    log.info('personalData.erased', { pseudonym: pseudonym.aadObjectId, ...erased });
    const summary = personalDataFacts(locale, erased)
      .map((f) => `${f.label}: ${f.value}`)
      .join('; ');
    const places = placesInAgreement(this.deps.agreementFile.agreement, person);
    return renderCard(
      'personalData',
      personalDataView({
        title: m.personalData.erasedTitle,
        intro: m.personalData.erased(summary),
        ...(places.length > 0
          ? { note: m.personalData.stillInFile(this.deps.agreementFile.path, places.join(', ')) }
          : {}),
      }),
    );
  }

  /** Everything stored that can name a person, read once per request. */
  private async read(plan: Plan): Promise<StoredData> {
    const agreementId = plan.agreement.id;
    const [
      reports,
      audit,
      reviews,
      rounds,
      conversations,
      languageChoices,
      agreementChoices,
      deliveries,
      reminders,
      jobs,
      decisions,
    ] = await Promise.all([
      this.deps.reports.allHistory(agreementId),
      this.deps.audit.all(agreementId),
      this.deps.reviews.list(agreementId),
      this.deps.rounds.list(agreementId),
      this.deps.conversations.all(),
      this.deps.languages.all(),
      this.deps.agreementChoices.all(),
      this.deps.rounds.allDeliveries(),
      this.deps.rounds.allReminders(),
      this.deps.jobs.everyJob(),
      this.deps.decisions.allRevisions(agreementId),
    ]);
    return {
      plan,
      reports,
      audit,
      reviews,
      rounds,
      conversations,
      languageChoices,
      agreementChoices,
      deliveries,
      reminders,
      jobs,
      decisions,
    };
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

  private async offerExport(
    turn: Turn,
    plan: Plan,
    stored: StoredData,
    person: KnownPerson,
    locale: Locale,
  ): Promise<AdaptiveCardJson | undefined> {
    const m = messagesFor(locale);
    const file = this.exportFile(plan, collectPersonalData(stored, person), locale);
    const delivery = await turn.offerFile({
      source: personalDataSource,
      args: { aadObjectId: person.aadObjectId },
      file,
    });
    if (delivery === 'here') return undefined;
    return notice(
      m.personalData.title,
      delivery === 'personalChat' ? m.export.sentToPersonalChat : m.personalData.needsPersonalChat,
    );
  }

  /** The JSON file: UTF-8, pretty, a short header first. Recorded in the audit log just before it leaves. */
  private exportFile(plan: Plan, data: PersonalData, locale: Locale): OfferedFile {
    const m = messagesFor(locale);
    const name = displayName(data.person);
    const madeAt = this.deps.now();
    const document = exportDocument(data, {
      about: m.personalData.fileAbout(name),
      agreement: plan.agreement,
      madeAt,
      timeZone: this.deps.timeZone,
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
      text: m.personalData.fileText,
      beforeUpload: async (by) => {
        await this.deps.audit.record({
          agreementId: plan.agreement.id,
          actor: by,
          action: 'exportPersonalData',
          details: { person: data.person.aadObjectId, ...countsOf(data) },
          at: this.deps.now().toISOString(),
        });
      },
    };
  }

  private choiceCard(
    stored: StoredData,
    people: readonly KnownPerson[],
    asked: string,
    intent: PersonalDataIntent,
    locale: Locale,
  ): AdaptiveCardJson {
    const m = messagesFor(locale);
    const records = (person: KnownPerson) =>
      Object.values(countsOf(collectPersonalData(stored, person))).reduce((a, b) => a + b, 0);
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
  private confirmation(stored: StoredData, person: KnownPerson, locale: Locale): AdaptiveCardJson {
    const m = messagesFor(locale);
    const data = collectPersonalData(stored, person);
    const refusal = this.refusal(data, locale);
    if (refusal) return refusal;
    const counts = countsOf(data);
    if (isEmpty(counts)) return notice(m.personalData.title, m.personalData.nothingStored);
    // Chosen now and carried by the button, so a repeated or interrupted erasure uses the same pseudonym.
    const pseudonym = `erased-${randomBytes(8).toString('hex')}`;
    return renderCard(
      'personalData',
      personalDataView({
        title: m.personalData.eraseTitle(displayName(person)),
        intro: m.personalData.eraseIntro,
        facts: personalDataFacts(locale, counts),
        note: m.personalData.contentsKept,
        buttons: [
          {
            title: m.personalData.eraseButton,
            verb: 'personalData.erase',
            data: { verb: 'personalData.erase', aadObjectId: person.aadObjectId, pseudonym },
          },
        ],
      }),
    );
  }

  /** Someone who still owns active measures or belongs to a group of the agreement is not erased. */
  private refusal(data: PersonalData, locale: Locale): AdaptiveCardJson | undefined {
    const m = messagesFor(locale);
    const { activeMeasures, groups } = erasureBlockers(data);
    const name = displayName(data.person);
    if (activeMeasures.length > 0) {
      const list = activeMeasures.map((x) => `${x.id} ${x.title}`).join(', ');
      return notice(m.problemTitle, m.personalData.stillOwns(name, list));
    }
    if (groups.length > 0) {
      const list = groups.map((g) => g.name).join(', ');
      return notice(m.problemTitle, m.personalData.stillMember(name, list, this.deps.agreementFile.path));
    }
    return undefined;
  }

  /**
   * Replaces the person by the pseudonym everywhere, and deletes what only served to reach them. Every write is
   * conditional on what was read (ETag). Sends to the person go first and their personal chat last: until the
   * end, a repeated erasure still finds the person by name.
   */
  private async eraseEverywhere(plan: Plan, person: KnownPerson, pseudonym: Pseudonym): Promise<Erased> {
    const agreementId = plan.agreement.id;
    const deps = this.deps;
    const jobs = await deps.jobs.deleteJobs((job) => isJobFor(job, person));
    const deliveries = await deps.rounds.deleteDeliveriesTo((target) => isDeliveryTo(target, person));
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
    const shared = await deps.conversations.rewriteShared((c) =>
      pseudonymiseConversation(c, person, pseudonym),
    );
    const audit = await deps.audit.rewriteEntries(agreementId, (e) =>
      pseudonymiseAuditEntry(e, person, pseudonym),
    );
    const personal = await deps.conversations.forgetPersonal(person.aadObjectId);
    const languageChoice = await deps.languages.forget(person.aadObjectId);
    const agreementChoice = await deps.agreementChoices.forget(person.aadObjectId);
    return {
      reports,
      measures: planRows.measures.length,
      bindings: planRows.bindings,
      audit,
      reviewAnswers,
      rounds,
      conversations: shared + personal,
      deliveries: deliveries + jobs,
      languageChoice,
      agreementChoice,
      decisions,
    };
  }
}

function notice(title: string, text: string): AdaptiveCardJson {
  return renderCard('notice', noticeView(title, text));
}
