import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { renderCard, type AdaptiveCardJson } from '../../src/features/shared/cards.js';
import { checkInFormView, checkInReadView, type Notice } from '../../src/features/checkIns/checkInViews.js';
import type { Agreement, Measure, TeamsUser } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import {
  draftFrom,
  parseCheckInSubmission,
  type CheckInDraft,
  type FieldProblem,
  type FormField,
} from '../../src/domain/checkInSubmission.js';
import type { Locale } from '../../src/domain/locale.js';
import type { Plan } from '../../src/domain/plan.js';
import { measureStatuses, type Report } from '../../src/domain/report.js';
import { cardText } from '../harness/connector.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));
const timeZone = 'Europe/Stockholm';
const alex = '00000000-0000-0000-0000-0000000000020';
const megan = '00000000-0000-0000-0000-0000000000021';
const submitId = '0b6c1f0e-5a43-4d3f-9b1e-2f6d8c7a9e10';

/** Teams refuses bot messages over about 28 KB; a card must leave room for the activity around it. */
const teamsMessageLimitBytes = 28 * 1024;
const cardBudgetBytes = 20 * 1024;

interface CardElement {
  type: string;
  id?: string;
  text?: string;
  value?: unknown;
  label?: string;
  color?: string;
  items?: CardElement[];
  choices?: Array<{ title: string; value: string }>;
  facts?: Array<{ title: string; value: string }>;
}

interface CardAction {
  type: string;
  title: string;
  verb?: string;
  data: Record<string, unknown>;
  fallback?: CardAction | 'drop';
}

interface RenderedCard {
  type: string;
  version: string;
  refresh: { action: CardAction; userIds: string[] };
  msteams?: { entities: Array<{ type: string; text: string; mentioned: { id: string; name: string } }> };
  body: CardElement[];
  actions: CardAction[];
}

function asCard(card: AdaptiveCardJson): RenderedCard {
  return card as unknown as RenderedCard;
}

/** Every element of the card's body, containers opened. */
function elements(card: RenderedCard): CardElement[] {
  const all: CardElement[] = [];
  const visit = (list: CardElement[]) => {
    for (const element of list) {
      all.push(element);
      if (element.items) visit(element.items);
    }
  };
  visit(card.body);
  return all;
}

function input(card: RenderedCard, id: string): CardElement {
  const found = card.body.find((e) => e.id === id);
  assert.ok(found, `no input ${id} on the card`);
  return found;
}

/** The text shown right under an input: where a problem with that field is explained. */
function textUnder(card: RenderedCard, id: string): CardElement | undefined {
  const index = card.body.findIndex((e) => e.id === id);
  assert.ok(index >= 0, `no input ${id} on the card`);
  const next = card.body[index + 1];
  return next?.type === 'TextBlock' ? next : undefined;
}

function sizeOf(card: AdaptiveCardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

describe('check-in cards', () => {
  let agreement: Agreement;
  let plan: Plan;
  let measure: Measure;

  const round: CheckInRound = {
    id: 'monthly-2021-10',
    agreementId: 'upplands-vasby-sollentuna-2021-2022',
    label: 'oktober 2021',
    trigger: 'monthly',
    measureIds: ['1.1', '1.3', '2.1'],
    openedAt: '2021-10-01T06:00:00.000Z',
    status: 'open',
  };

  /** Measure 1.1's latest report, saved by Megan Bowen on the morning DST ended (10:15 UTC = 11:15 CET). */
  const report: Report = {
    agreementId: round.agreementId,
    measureId: '1.1',
    roundId: round.id,
    submitId,
    status: 'atRisk',
    narrative: 'Lägesbilden tas fram varje vecka men underlaget från bostadsbolagen dröjer.',
    obstacles: 'Bostadsbolagen saknar en utsedd kontaktperson.',
    nextStep: 'Bjuda in bostadsbolagen till EST strategisk.',
    indicatorValue: 128,
    needsSteeringDecision: true,
    revision: 3,
    reportedBy: { aadObjectId: megan, name: 'Megan Bowen' },
    reportedAt: '2021-10-31T10:15:00Z',
  };

  before(async () => {
    agreement = await loadAgreementFile(examplePath);
    plan = { agreement, bindings: [] };
    const found = agreement.measures.find((m) => m.id === '1.1');
    assert.ok(found);
    measure = found;
  });

  function form(
    options: {
      locale?: Locale;
      measure?: Measure;
      plan?: Plan;
      round?: CheckInRound;
      draft?: CheckInDraft;
      latest?: Report;
      problems?: Partial<Record<FormField, FieldProblem>>;
      notice?: Notice;
      submitId?: string;
    } = {},
  ): AdaptiveCardJson {
    return renderCard(
      'checkInForm',
      checkInFormView({
        locale: options.locale ?? 'sv',
        timeZone,
        plan: options.plan ?? plan,
        round: options.round ?? round,
        measure: options.measure ?? measure,
        latest: options.latest,
        draft: options.draft ?? draftFrom(options.latest),
        submitId: options.submitId ?? submitId,
        ...(options.problems ? { problems: options.problems } : {}),
        ...(options.notice ? { notice: options.notice } : {}),
      }),
    );
  }

  function view(
    options: {
      locale?: Locale;
      measure?: Measure;
      plan?: Plan;
      round?: CheckInRound;
      latest?: Report;
      notice?: Notice;
    } = {},
  ): AdaptiveCardJson {
    return renderCard(
      'checkInView',
      checkInReadView({
        locale: options.locale ?? 'sv',
        timeZone,
        plan: options.plan ?? plan,
        round: options.round ?? round,
        measure: options.measure ?? measure,
        latest: options.latest,
        ...(options.notice ? { notice: options.notice } : {}),
      }),
    );
  }

  describe('the form', () => {
    it('offers the six statuses in Swedish', () => {
      const status = input(asCard(form()), 'status');
      assert.equal(status.type, 'Input.ChoiceSet');
      assert.deepEqual(status.choices, [
        { title: 'Ej påbörjad', value: 'notStarted' },
        { title: 'Pågår enligt plan', value: 'onTrack' },
        { title: 'Risk för försening', value: 'atRisk' },
        { title: 'Försenad', value: 'delayed' },
        { title: 'Genomförd', value: 'done' },
        { title: 'Avbruten', value: 'cancelled' },
      ]);
    });

    it('offers the six statuses in English, with the same values', () => {
      const status = input(asCard(form({ locale: 'en' })), 'status');
      assert.deepEqual(
        status.choices?.map((c) => c.title),
        ['Not started', 'On track', 'At risk of delay', 'Delayed', 'Done', 'Cancelled'],
      );
      assert.deepEqual(
        status.choices?.map((c) => c.value),
        [...measureStatuses],
      );
    });

    it('reads as a Swedish form for measure 1.1 with its indicator', () => {
      assert.deepEqual(cardText(form()), [
        'Uppdatera',
        'Lägesrapport 1.1: Gemensam lägesbild enligt EST',
        'oktober 2021 · Målområde 1: Minska antalet otrygghetsskapande händelser i offentlig miljö',
        'Läge',
        'Kort beskrivning av läget',
        'Hinder (om några)',
        'Nästa steg',
        'Otrygghetsskapande händelser i offentlig miljö enligt EST (händelser per månad)',
        'Behöver beslut i styrgruppen',
        // The button, and its Action.Submit fallback for clients without Action.Execute.
        'Spara',
        'Spara',
      ]);
    });

    it('reads as an English form', () => {
      assert.deepEqual(cardText(form({ locale: 'en' })), [
        'Refresh',
        'Status report 1.1: Gemensam lägesbild enligt EST',
        'oktober 2021 · Goal area 1: Minska antalet otrygghetsskapande händelser i offentlig miljö',
        'Status',
        'Short description of the situation',
        'Obstacles (if any)',
        'Next step',
        'Otrygghetsskapande händelser i offentlig miljö enligt EST (händelser per månad)',
        'Needs a steering group decision',
        'Save',
        'Save',
      ]);
    });

    it('has no indicator field for a measure without an indicator', () => {
      const noIndicator = agreement.measures.find((m) => m.id === '2.3');
      assert.ok(noIndicator && noIndicator.followUp.indicator === undefined);
      const card = asCard(form({ measure: noIndicator }));
      assert.equal(
        card.body.find((e) => e.id === 'indicatorValue'),
        undefined,
      );
      assert.deepEqual(
        card.body.filter((e) => e.type.startsWith('Input.')).map((e) => e.id),
        ['status', 'narrative', 'obstacles', 'nextStep', 'needsSteeringDecision'],
      );
    });

    it("fills the inputs with the draft's values", () => {
      const draft: CheckInDraft = {
        status: 'delayed',
        narrative: 'Försenat på grund av sjukdom.',
        obstacles: 'Två av tre analytiker sjuka.',
        nextStep: 'Ny plan i november.',
        indicatorValue: 'tolv',
        needsSteeringDecision: false,
        decisionAnswers: {},
      };
      const card = asCard(form({ draft }));
      assert.equal(input(card, 'status').value, 'delayed');
      assert.equal(input(card, 'narrative').value, 'Försenat på grund av sjukdom.');
      assert.equal(input(card, 'obstacles').value, 'Två av tre analytiker sjuka.');
      assert.equal(input(card, 'nextStep').value, 'Ny plan i november.');
      assert.equal(input(card, 'indicatorValue').value, 'tolv');
      assert.equal(input(card, 'needsSteeringDecision').value, 'false');
      const needed = asCard(form({ draft: { ...draft, needsSteeringDecision: true } }));
      assert.equal(input(needed, 'needsSteeringDecision').value, 'true');
    });

    it('starts from the latest report and says who saved it when, in Stockholm time', () => {
      const card = asCard(form({ latest: report }));
      assert.equal(input(card, 'status').value, 'atRisk');
      assert.equal(input(card, 'narrative').value, report.narrative);
      assert.equal(input(card, 'indicatorValue').value, '128');
      assert.ok(
        cardText(card).includes('Senast: Risk för försening – Megan Bowen, 31 okt. 2021 kl. 11:15'),
        cardText(card).join('\n'),
      );
      assert.ok(
        cardText(form({ latest: report, locale: 'en' })).includes(
          'Latest: At risk of delay – Megan Bowen, 31 Oct 2021 at 11:15',
        ),
      );
    });

    it('starts empty without a report, and says nothing about a latest one', () => {
      const card = asCard(form());
      for (const id of ['status', 'narrative', 'obstacles', 'nextStep', 'indicatorValue']) {
        assert.equal(input(card, id).value, '', id);
      }
      assert.equal(
        cardText(card).some((t) => t.startsWith('Senast')),
        false,
      );
    });

    it('shows each problem right under its field, and nothing under fields without one', () => {
      const card = asCard(
        form({
          draft: { ...draftFrom(undefined), narrative: 'x'.repeat(2001), indicatorValue: 'tolv' },
          problems: { status: 'required', narrative: 'tooLong', indicatorValue: 'notANumber' },
          notice: {
            text: 'Något behöver rättas innan det kan sparas. Din text finns kvar.',
            tone: 'attention',
          },
        }),
      );
      assert.deepEqual(textUnder(card, 'status'), {
        type: 'TextBlock',
        text: 'Fältet behövs.',
        color: 'Attention',
        wrap: true,
        spacing: 'None',
        size: 'Small',
      });
      assert.equal(textUnder(card, 'narrative')?.text, 'Texten är för lång.');
      assert.equal(textUnder(card, 'indicatorValue')?.text, 'Skriv ett tal, till exempel 12 eller 3,5.');
      assert.equal(textUnder(card, 'obstacles'), undefined);
      assert.equal(textUnder(card, 'nextStep'), undefined);
      // The person's text comes back as they left it.
      assert.equal(input(card, 'narrative').value, 'x'.repeat(2001));
      assert.equal(input(card, 'indicatorValue').value, 'tolv');
      const notice = elements(card).find((e) => e.text?.startsWith('Något behöver rättas'));
      assert.equal(notice?.color, 'Attention');
    });

    it('words the problems in English', () => {
      const card = asCard(
        form({
          locale: 'en',
          problems: { status: 'unknownStatus', obstacles: 'tooLong', nextStep: 'required' },
        }),
      );
      assert.equal(textUnder(card, 'status')?.text, 'Choose one of the statuses in the list.');
      assert.equal(textUnder(card, 'obstacles')?.text, 'The text is too long.');
      assert.equal(textUnder(card, 'nextStep')?.text, 'This field is needed.');
      assert.equal(textUnder(card, 'narrative'), undefined);
    });

    it("refreshes automatically for the measure's owners, by their Teams user id", () => {
      const card = asCard(form());
      assert.deepEqual(card.refresh.userIds, [`8:orgid:${alex}`, `8:orgid:${megan}`]);
      assert.equal(card.refresh.action.type, 'Action.Execute');
      assert.equal(card.refresh.action.verb, 'checkIn.refresh');
      assert.deepEqual(card.refresh.action.data, {
        verb: 'checkIn.refresh',
        roundId: 'monthly-2021-10',
        measureId: '1.1',
      });
    });

    it('lists at most 60 owners for refresh, as Teams allows', () => {
      const owners: TeamsUser[] = Array.from({ length: 60 }, (_, i) => ({
        aadObjectId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        name: `Person ${i}`,
      }));
      const many: Measure = {
        ...measure,
        owners: [...owners, { aadObjectId: 'one-too-many', name: 'Sist' }],
      };
      const userIds = asCard(form({ measure: many })).refresh.userIds;
      assert.equal(userIds.length, 60);
      assert.equal(userIds[0], '8:orgid:00000000-0000-0000-0000-000000000000');
      assert.equal(userIds[59], '8:orgid:00000000-0000-0000-0000-000000000059');
      assert.equal(userIds.includes('8:orgid:one-too-many'), false);
    });

    it('saves with Action.Execute checkIn.submit and falls back to Action.Submit with the same data', () => {
      const card = asCard(form({ latest: report }));
      assert.equal(card.version, '1.5');
      assert.equal(card.actions.length, 1);
      const [save] = card.actions;
      assert.ok(save);
      assert.equal(save.type, 'Action.Execute');
      assert.equal(save.title, 'Spara');
      assert.equal(save.verb, 'checkIn.submit');
      assert.deepEqual(save.data, {
        verb: 'checkIn.submit',
        roundId: 'monthly-2021-10',
        measureId: '1.1',
        baseRevision: 3,
        submitId,
      });
      assert.ok(save.fallback && save.fallback !== 'drop');
      assert.equal(save.fallback.type, 'Action.Submit');
      assert.equal(save.fallback.title, 'Spara');
      assert.deepEqual(save.fallback.data, save.data);
    });

    it("sends back data the submission parser accepts, together with the inputs' values", () => {
      const card = asCard(form({ latest: report }));
      const [save] = card.actions;
      assert.ok(save);
      const submission = parseCheckInSubmission({
        ...save.data,
        status: input(card, 'status').value,
        narrative: input(card, 'narrative').value,
        obstacles: input(card, 'obstacles').value,
        nextStep: input(card, 'nextStep').value,
        indicatorValue: input(card, 'indicatorValue').value,
        needsSteeringDecision: 'true',
      });
      assert.equal(submission.kind, 'valid');
      assert.deepEqual(submission.card, {
        roundId: 'monthly-2021-10',
        measureId: '1.1',
        baseRevision: 3,
        submitId,
      });
      assert.deepEqual(submission.input, {
        status: report.status,
        narrative: report.narrative,
        obstacles: report.obstacles,
        nextStep: report.nextStep,
        indicatorValue: report.indicatorValue,
        needsSteeringDecision: true,
      });
    });
  });

  describe('the read view', () => {
    it('mentions the owners, with an entity for each <at> in the text', () => {
      const card = asCard(view({ latest: report }));
      const owners = 'Ansvariga: <at>Alex Wilber</at>, <at>Megan Bowen</at>';
      assert.ok(cardText(card).includes(owners));
      assert.deepEqual(card.msteams?.entities, [
        { type: 'mention', text: '<at>Alex Wilber</at>', mentioned: { id: alex, name: 'Alex Wilber' } },
        { type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: megan, name: 'Megan Bowen' } },
      ]);
      const tags = owners.match(/<at>[^<]*<\/at>/g);
      assert.deepEqual(
        card.msteams?.entities.map((e) => e.text),
        tags,
      );
      for (const entity of card.msteams?.entities ?? []) {
        assert.equal(entity.text, `<at>${entity.mentioned.name}</at>`);
      }
    });

    it('shows the latest report: status, facts and who saved it, in Swedish', () => {
      const card = asCard(view({ latest: report }));
      assert.deepEqual(cardText(card), [
        'Uppdatera',
        'Lägesrapport 1.1: Gemensam lägesbild enligt EST',
        'oktober 2021 · Målområde 1: Minska antalet otrygghetsskapande händelser i offentlig miljö',
        'Ansvariga: <at>Alex Wilber</at>, <at>Megan Bowen</at>',
        'Risk för försening',
        'Läget: Lägesbilden tas fram varje vecka men underlaget från bostadsbolagen dröjer.',
        'Hinder: Bostadsbolagen saknar en utsedd kontaktperson.',
        'Nästa steg: Bjuda in bostadsbolagen till EST strategisk.',
        'Otrygghetsskapande händelser i offentlig miljö enligt EST: 128 händelser per månad',
        'Beslut i styrgruppen: Behövs',
        'Sparat av Megan Bowen 31 okt. 2021 kl. 11:15 (version 3)',
        'Rapportera',
      ]);
      const status = elements(card).find((e) => e.text === 'Risk för försening');
      assert.equal(status?.color, 'Warning');
    });

    it('shows the latest report in English', () => {
      const card = asCard(view({ latest: report, locale: 'en' }));
      assert.deepEqual(cardText(card), [
        'Refresh',
        'Status report 1.1: Gemensam lägesbild enligt EST',
        'oktober 2021 · Goal area 1: Minska antalet otrygghetsskapande händelser i offentlig miljö',
        'Responsible: <at>Alex Wilber</at>, <at>Megan Bowen</at>',
        'At risk of delay',
        'Situation: Lägesbilden tas fram varje vecka men underlaget från bostadsbolagen dröjer.',
        'Obstacles: Bostadsbolagen saknar en utsedd kontaktperson.',
        'Next step: Bjuda in bostadsbolagen till EST strategisk.',
        'Otrygghetsskapande händelser i offentlig miljö enligt EST: 128 händelser per månad',
        'Steering group decision: Needed',
        'Saved by Megan Bowen 31 Oct 2021 at 11:15 (version 3)',
        'Report',
      ]);
    });

    it('stamps the time in Stockholm summer time once DST has started', () => {
      // 28 March 2021 is the day clocks go forward: 10:15 UTC is 12:15 CEST.
      const spring: Report = { ...report, reportedAt: '2021-03-28T10:15:00Z', revision: 1 };
      assert.ok(
        cardText(view({ latest: spring })).includes(
          'Sparat av Megan Bowen 28 mars 2021 kl. 12:15 (version 1)',
        ),
      );
      assert.ok(
        cardText(view({ latest: spring, locale: 'en' })).includes(
          'Saved by Megan Bowen 28 Mar 2021 at 12:15 (version 1)',
        ),
      );
      // The same UTC time a day earlier is still winter time.
      const dayBefore: Report = { ...spring, reportedAt: '2021-03-27T10:15:00Z' };
      assert.ok(
        cardText(view({ latest: dayBefore })).includes(
          'Sparat av Megan Bowen 27 mars 2021 kl. 11:15 (version 1)',
        ),
      );
    });

    it('shows only the facts a report has', () => {
      const bare: Report = {
        ...report,
        status: 'done',
        narrative: 'Klart.',
        revision: 1,
        needsSteeringDecision: false,
      };
      delete bare.obstacles;
      delete bare.nextStep;
      delete bare.indicatorValue;
      const card = asCard(view({ latest: bare }));
      const facts = elements(card).find((e) => e.type === 'FactSet')?.facts;
      assert.deepEqual(facts, [{ title: 'Läget', value: 'Klart.' }]);
      assert.equal(elements(card).find((e) => e.text === 'Genomförd')?.color, 'Good');
    });

    it('says there is no report yet, and offers to report', () => {
      const card = asCard(view());
      const texts = cardText(card);
      assert.ok(texts.includes('Ingen rapport ännu i den här omgången.'));
      assert.equal(
        elements(card).some((e) => e.type === 'FactSet' || e.type === 'Container'),
        false,
      );
      const [reportAction] = card.actions;
      assert.equal(reportAction?.title, 'Rapportera');
      assert.equal(reportAction?.verb, 'checkIn.refresh');
      assert.deepEqual(reportAction?.data, {
        verb: 'checkIn.refresh',
        roundId: 'monthly-2021-10',
        measureId: '1.1',
      });
      assert.deepEqual(card.refresh.userIds, [`8:orgid:${alex}`, `8:orgid:${megan}`]);
    });

    it('shows a notice in its tone', () => {
      const card = asCard(view({ latest: report, notice: { text: 'Sparat. Tack!', tone: 'good' } }));
      assert.equal(elements(card).find((e) => e.text === 'Sparat. Tack!')?.color, 'Good');
    });
  });

  describe('size', () => {
    /** Two-byte characters, so the byte count is the worst a Swedish text can be. */
    const text = (length: number) => 'å'.repeat(length);

    function longest(): { plan: Plan; measure: Measure; round: CheckInRound; latest: Report } {
      const owners: TeamsUser[] = [
        { aadObjectId: 'a'.repeat(100), name: text(200) },
        { aadObjectId: 'b'.repeat(100), name: text(200) },
      ];
      const longMeasure: Measure = {
        ...measure,
        title: text(200),
        owners,
        followUp: { cadence: 'monthly', indicator: { name: text(200), unit: text(50) } },
      };
      return {
        plan: {
          agreement: {
            ...agreement,
            goalAreas: agreement.goalAreas.map((g) => ({ ...g, title: text(300) })),
          },
          bindings: [],
        },
        measure: longMeasure,
        round: { ...round, id: 'r'.repeat(100), label: text(80) },
        latest: {
          ...report,
          narrative: text(2000),
          obstacles: text(2000),
          nextStep: text(1000),
          indicatorValue: -Number.MAX_SAFE_INTEGER - 0.5,
          revision: 1_000_000,
          reportedBy: { aadObjectId: 'c'.repeat(100), name: text(200) },
        },
      };
    }

    it('keeps the form well under the Teams message limit with every text at its maximum', () => {
      const { plan: longPlan, measure: longMeasure, round: longRound, latest } = longest();
      const card = form({
        plan: longPlan,
        measure: longMeasure,
        round: longRound,
        latest,
        draft: { ...draftFrom(latest), indicatorValue: '9'.repeat(30) },
        problems: {
          status: 'unknownStatus',
          narrative: 'tooLong',
          obstacles: 'tooLong',
          nextStep: 'tooLong',
          indicatorValue: 'notANumber',
        },
        notice: {
          text: 'Något behöver rättas innan det kan sparas. Din text finns kvar.',
          tone: 'attention',
        },
        submitId: 's'.repeat(100),
      });
      assert.equal(input(asCard(card), 'narrative').value, text(2000));
      assert.ok(sizeOf(card) < cardBudgetBytes, `${sizeOf(card)} bytes`);
      assert.ok(cardBudgetBytes < teamsMessageLimitBytes);
    });

    it('keeps the read view well under the Teams message limit with every text at its maximum', () => {
      const { plan: longPlan, measure: longMeasure, round: longRound, latest } = longest();
      const card = view({
        plan: longPlan,
        measure: longMeasure,
        round: longRound,
        latest,
        notice: { text: 'Sparat. Tack!', tone: 'good' },
      });
      assert.ok(cardText(card).some((t) => t.endsWith('(version 1000000)')));
      assert.ok(sizeOf(card) < cardBudgetBytes, `${sizeOf(card)} bytes`);
    });
  });
});
