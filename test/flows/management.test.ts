import assert from 'node:assert/strict';
import { AuditLog } from '../../src/storage/auditLog.js';
import { startLocalAzurite, type LocalAzurite } from '../../src/storage/localAzurite.js';
import { PlanRepository } from '../../src/storage/planRepository.js';
import { RoundRepository } from '../../src/storage/roundRepository.js';
import { cardAction, personalMessage, users, type TeamsUser } from '../harness/activities.js';
import { cardInputs, cardText } from '../harness/connector.js';
import { startTestBot, type TestBot } from '../harness/testBot.js';

const agreementId = 'upplands-vasby-sollentuna-2021-2022';
type Card = Record<string, unknown>;

describe('coordinators manage the action plan from Teams', () => {
  let azurite: LocalAzurite;
  let bot: TestBot;

  before(async () => {
    azurite = await startLocalAzurite();
    bot = await startTestBot({
      azurite,
      env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' },
      now: () => new Date('2021-06-01T08:00:00Z'),
    });
  });
  after(async () => {
    await bot.close();
    await azurite.stop();
  });

  const plans = () => new PlanRepository(bot.store);
  const say = async (text: string, from: TeamsUser = users.alex): Promise<Card> => {
    bot.connector.clear();
    await bot.post(personalMessage(text, { serviceUrl: bot.connector.serviceUrl, from, locale: 'sv-SE' }));
    const card = bot.connector.cards().at(-1);
    assert.ok(card, `an answer to "${text}"`);
    return card;
  };
  const save = async (
    form: Card,
    values: Record<string, unknown>,
    from: TeamsUser = users.alex,
  ): Promise<Card> => {
    const data = (form.actions as Array<{ data: Record<string, unknown> }>)[0]?.data ?? {};
    const response = await bot.post(
      cardAction(
        'measure.save',
        { ...data, ...values },
        { conversationId: `a:${from.aadObjectId}`, replyToId: 'm' },
        {
          serviceUrl: bot.connector.serviceUrl,
          from,
        },
      ),
    );
    assert.equal(response.status, 200, response.body);
    return (JSON.parse(response.body) as { value: Card }).value;
  };
  /** What the form holds now, as the person would send it back unchanged. */
  const values = (form: Card) => cardInputs(form.body);
  const read = (card: Card) => cardText(card).join('\n');

  it('adds a measure with the next number of its goal area, recorded in the audit log', async () => {
    const form = await say('ny insats');
    assert.match(read(form), /Ny insats[\s\S]*Ansvariga personer/);
    const owners = (form.body as Card[]).find((e) => e.id === 'owners') as Card;
    assert.deepEqual(owners['choices.data'], { type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    const answer = await save(form, {
      title: 'Föräldravandringar på helger',
      goalArea: '2',
      ownerOrganisation: 'kommun',
      owners: `${users.patti.aadObjectId},${users.alex.aadObjectId}`,
      cadence: 'monthly',
      indicatorName: 'Antal vandringar',
      indicatorUnit: 'st',
      indicatorTarget: '8',
    });
    assert.match(read(answer), /Insats \*\*2\.4\*\* Föräldravandringar på helger är tillagd/);
    const added = (await plans().load(agreementId))?.agreement.measures.find((m) => m.id === '2.4');
    assert.deepEqual(
      added?.owners.map((o) => o.name),
      ['Patti Fernandez', 'Alex Wilber'],
    );
    assert.deepEqual(added?.followUp.indicator, { name: 'Antal vandringar', unit: 'st', target: 8 });
    const audit = await new AuditLog(bot.store).recent(agreementId);
    assert.ok(
      audit.some(
        (e) => e.action === 'addMeasure' && e.details.measureId === '2.4' && e.actor.name === 'Alex Wilber',
      ),
    );
  });

  it('gives an invalid form back with the problem at the field and the values kept, storing nothing', async () => {
    const form = await say('ny insats');
    const answer = await save(form, {
      title: '',
      goalArea: '3',
      ownerOrganisation: 'polis',
      owners: users.megan.aadObjectId,
      cadence: 'yearly',
    });
    assert.match(read(answer), /Något behöver rättas[\s\S]*Fältet behövs\./);
    assert.equal(values(answer).ownerOrganisation, 'polis');
    assert.equal(
      (await plans().load(agreementId))?.agreement.measures.filter((m) => m.goalArea === 3).length,
      3,
    );
  });

  it('refuses management to someone who is not a coordinator, and stores nothing', async () => {
    assert.match(
      read(await say('ny insats', users.patti)),
      /Bara samordnarna i beredningsgruppen kan ändra i åtgärdsplanen/,
    );
    const form = await say('ny insats');
    const answer = await save(
      form,
      {
        title: 'Smygväg',
        goalArea: '1',
        ownerOrganisation: 'kommun',
        owners: users.patti.aadObjectId,
        cadence: 'monthly',
      },
      users.patti,
    );
    assert.match(read(answer), /Bara samordnarna/);
    assert.equal(
      (await plans().load(agreementId))?.agreement.measures.some((m) => m.title === 'Smygväg'),
      false,
    );
  });

  it("keeps both coordinators' work when they edit the same measure at once", async () => {
    const alexForm = await say('ändra 1.2');
    const meganForm = await say('edit 1.2', users.megan);
    assert.match(read(alexForm), /Ändra insats 1\.2/);

    await save(alexForm, { ...values(alexForm), title: 'Trygghetsvandringar i Väsby centrum och Runby' });
    // Megan changed another field: both changes are kept without asking her again.
    const merged = await save(meganForm, { ...values(meganForm), cadence: 'quarterly' }, users.megan);
    // She asked in English (`edit`), so her form and its answer are in English.
    assert.match(
      read(merged),
      /Measure \*\*1\.2\*\* is changed\. Someone else changed the measure at the same time; both changes are kept/,
    );
    let stored = (await plans().load(agreementId))?.agreement.measures.find((m) => m.id === '1.2');
    assert.equal(stored?.title, 'Trygghetsvandringar i Väsby centrum och Runby');
    assert.equal(stored?.followUp.cadence, 'quarterly');

    // Both change the description: the second is shown the clash with their own text kept, and decides.
    const alexAgain = await say('ändra 1.2');
    const meganAgain = await say('ändra 1.2', users.megan);
    await save(alexAgain, { ...values(alexAgain), description: 'Alex beskrivning.' });
    const clash = await save(
      meganAgain,
      { ...values(meganAgain), description: 'Megans beskrivning.' },
      users.megan,
    );
    assert.match(read(clash), /Någon annan ändrade samma fält medan du hade insatsen öppen: beskrivning/);
    assert.equal(values(clash).description, 'Megans beskrivning.');
    stored = (await plans().load(agreementId))?.agreement.measures.find((m) => m.id === '1.2');
    assert.equal(stored?.description, 'Alex beskrivning.');
    await save(clash, values(clash), users.megan);
    stored = (await plans().load(agreementId))?.agreement.measures.find((m) => m.id === '1.2');
    assert.equal(stored?.description, 'Megans beskrivning.');

    const edits = (await new AuditLog(bot.store).recent(agreementId)).filter(
      (e) => e.action === 'editMeasure',
    );
    // Every save is in the audit log, with who made it and whether it was merged with someone else's.
    assert.deepEqual(edits.map((e) => `${e.actor.name} ${String(e.details.merged)}`).sort(), [
      'Alex Wilber false',
      'Alex Wilber false',
      'Megan Bowen false',
      'Megan Bowen true',
    ]);
  });

  it('retires a measure, which then is left out of new rounds', async () => {
    assert.match(
      read(await say('avsluta 2.4')),
      /Insats \*\*2\.4\*\* Föräldravandringar på helger är avslutad/,
    );
    assert.match(read(await say('avsluta 2.4')), /redan avslutad/);
    await say('ny runda juni');
    const round = (await new RoundRepository(bot.store).list(agreementId)).at(-1);
    assert.equal(round?.measureIds.includes('2.4'), false);
    assert.equal(round?.measureIds.length, 9);
  });

  it("plans a steering meeting inside the agreement's period", async () => {
    assert.match(read(await say('möte 2022-02-15 10.00')), /Styrgruppsmöte planerat 2022-02-15 10:00/);
    assert.match(read(await say('möte 2021-11-25')), /Det finns redan ett styrgruppsmöte 2021-11-25/);
    assert.match(
      read(await say('möte 2030-01-01')),
      /inom överenskommelsens giltighetstid, 2021-01-01–2022-12-31/,
    );
    assert.match(read(await say('möte nästa tisdag')), /Skriv datumet som ÅÅÅÅ-MM-DD/);
    const meetings = (await plans().load(agreementId))?.agreement.steeringMeetings;
    assert.ok(meetings?.some((m) => m.date === '2022-02-15' && m.time === '10:00'));
  });

  it('keeps what was changed in Teams when the bot restarts and reloads the agreement file', async () => {
    await bot.close();
    bot = await startTestBot({ azurite, env: { AUTOMATIC_ROUNDS: 'off', SCHEDULER_INTERVAL_SECONDS: '0' } });
    const plan = await plans().load(agreementId);
    const measure12 = plan?.agreement.measures.find((m) => m.id === '1.2');
    assert.equal(measure12?.title, 'Trygghetsvandringar i Väsby centrum och Runby');
    assert.equal(plan?.agreement.measures.find((m) => m.id === '2.4')?.retired, true);
    assert.ok(plan?.agreement.steeringMeetings.some((m) => m.date === '2022-02-15'));
  });
});
