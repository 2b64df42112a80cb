import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { parse, stringify } from 'yaml';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import {
  ExampleHistoryFileError,
  exampleHistoryFileFor,
  exampleHistoryOf,
  findExampleHistory,
  parseExampleHistoryFile,
  type ExampleHistory,
} from '../../src/config/exampleHistoryFile.js';
import type { Agreement } from '../../src/domain/agreement.js';
import { automaticRoundsDue } from '../../src/domain/roundSchedule.js';
import { addWorkingDays, defaultCalendar } from '../../src/domain/workingCalendar.js';

const examplePath = fileURLToPath(new URL('../../agreements/example.yaml', import.meta.url));
const historyPath = fileURLToPath(new URL('../../agreements/example.history.yaml', import.meta.url));
const stockholm = 'Europe/Stockholm';
/** Where `npm start` starts the example agreement's clock. */
const exampleClockStart = DateTime.fromISO('2021-10-18T09:00', { zone: stockholm });

describe('example history file', () => {
  let agreement: Agreement;
  let history: ExampleHistory;
  let source: string;

  before(async () => {
    agreement = await loadAgreementFile(examplePath);
    source = await readFile(historyPath, 'utf8');
    const found = await findExampleHistory(examplePath, agreement);
    assert.equal(found.kind, 'found');
    history = found.history;
  });

  /** The problems a changed copy of the shipped history causes. */
  function problemsOf(change: (file: { rounds: Array<Record<string, unknown>> }) => void): string[] {
    const file = parse(source) as { rounds: Array<Record<string, unknown>> };
    change(file);
    try {
      const fileName = 'broken.history.yaml';
      exampleHistoryOf(parseExampleHistoryFile(stringify(file), fileName), fileName, agreement);
    } catch (error) {
      assert.ok(error instanceof ExampleHistoryFileError, String(error));
      assert.match(error.message, /^Example history file broken\.history\.yaml could not be loaded:/);
      return [...error.problems];
    }
    assert.fail('expected the history to be rejected');
  }
  const firstReport = (file: { rounds: Array<Record<string, unknown>> }) =>
    (file.rounds[0]?.reports as Array<Record<string, unknown>>)[0] as Record<string, unknown>;

  describe('the shipped example', () => {
    it('lies beside the example agreement and belongs to it', () => {
      assert.equal(
        exampleHistoryFileFor('agreements/example.yaml'),
        join('agreements', 'example.history.yaml'),
      );
      assert.equal(history.agreementId, agreement.id);
      assert.equal(history.rounds.length, 15);
      assert.equal(history.reports.length, 51);
    });

    it('has the automatic rounds of January to October 2021 and the one before the June meeting, as the bot opens them', () => {
      const planned = new Map<string, ReturnType<typeof automaticRoundsDue>[number]>();
      for (let month = 1; month <= 10; month++) {
        const midMonth = DateTime.fromObject({ year: 2021, month, day: 25, hour: 12 }, { zone: stockholm });
        for (const round of automaticRoundsDue(agreement, midMonth, defaultCalendar, 10))
          planned.set(round.id, round);
      }
      const beforeMeeting = DateTime.fromISO('2021-06-09T12:00', { zone: stockholm });
      for (const round of automaticRoundsDue(agreement, beforeMeeting, defaultCalendar, 10))
        planned.set(round.id, round);
      assert.deepEqual(history.rounds.map((r) => r.id).sort(), [...planned.keys()].sort());
      for (const round of history.rounds) {
        const due = planned.get(round.id);
        assert.ok(due);
        assert.equal(round.trigger, due.trigger, round.id);
        assert.deepEqual(round.measureIds, due.measureIds, round.id);
        // When it is due; or, if its measures were in another open round then, a minute after that one closed.
        const dueAt = due.opensAt.toJSDate().toISOString();
        const busy = history.rounds.find(
          (r) =>
            r.id !== round.id &&
            r.measureIds.some((id) => round.measureIds.includes(id)) &&
            r.openedAt <= dueAt &&
            (r.closedAt ?? '') > dueAt,
        );
        const opensAt = busy ? new Date(Date.parse(busy.closedAt ?? '') + 60_000).toISOString() : dueAt;
        assert.equal(round.openedAt, opensAt, round.id);
      }
      assert.equal(
        history.rounds.find((r) => r.id === 'monthly-2021-06')?.openedAt,
        '2021-06-10T14:01:00.000Z',
      );
      assert.equal(
        history.rounds.find((r) => r.id === 'meeting-2021-06-10')?.openedAt,
        '2021-05-27T06:00:00.000Z',
      );
    });

    it('holds every automatic round due when the example clock starts, all closed before it', () => {
      const due = automaticRoundsDue(agreement, exampleClockStart, defaultCalendar, 10);
      assert.deepEqual(
        due.map((r) => r.id),
        ['monthly-2021-10', 'quarterly-2021-q4'],
      );
      const ids = new Set(history.rounds.map((r) => r.id));
      for (const round of due) assert.ok(ids.has(round.id), `${round.id} is in the history`);
      for (const round of history.rounds) {
        assert.equal(round.status, 'closed');
        assert.ok(round.closedAt && round.closedAt < exampleClockStart.toJSDate().toISOString(), round.id);
      }
    });

    it('has each measure in at most one open round at a time, as the bot keeps it', () => {
      for (const a of history.rounds) {
        for (const b of history.rounds) {
          if (a === b || !a.measureIds.some((id) => b.measureIds.includes(id))) continue;
          const overlap = a.openedAt < (b.closedAt ?? '') && b.openedAt < (a.closedAt ?? '');
          assert.ok(!overlap, `${a.id} and ${b.id} are open at the same time`);
        }
      }
    });

    it('is marked as an example in every label and narrative', () => {
      for (const round of history.rounds) assert.match(round.label, / \(exempel\)$/);
      assert.ok(history.rounds.some((r) => r.label === 'januari 2021 (exempel)'));
      for (const report of history.reports) assert.match(report.narrative, /^Exempel: /);
    });

    it("has reports by the measures' owners a few working days after each round opened", () => {
      const rounds = new Map(history.rounds.map((r) => [r.id, r]));
      for (const report of history.reports) {
        const measure = agreement.measures.find((m) => m.id === report.measureId);
        assert.ok(measure);
        assert.ok(
          measure.owners.some((o) => o.aadObjectId === report.reportedBy.aadObjectId),
          `${report.reportedBy.name} owns ${report.measureId}`,
        );
        const round = report.roundId ? rounds.get(report.roundId) : undefined;
        assert.ok(round, `round ${report.roundId}`);
        assert.ok(round.measureIds.includes(report.measureId));
        const opened = DateTime.fromISO(round.openedAt).setZone(stockholm);
        assert.ok(report.reportedAt > round.openedAt);
        assert.ok(report.reportedAt <= addWorkingDays(opened, 7).set({ hour: 17 }).toJSDate().toISOString());
        assert.ok(report.reportedAt <= (round.closedAt ?? ''));
      }
      // Owners other than the default user report too.
      assert.deepEqual([...new Set(history.reports.map((r) => r.reportedBy.name))].sort(), [
        'Alex Wilber',
        'Isaiah Langer',
        'Megan Bowen',
        'Patti Fernandez',
      ]);
    });

    it('numbers the revisions of each measure 1, 2, 3 … in time order', () => {
      for (const measure of agreement.measures) {
        const own = history.reports.filter((r) => r.measureId === measure.id);
        assert.ok(own.length > 0, `${measure.id} has reports`);
        assert.deepEqual(
          own.map((r) => r.revision),
          own.map((_, i) => i + 1),
        );
        const times = own.map((r) => r.reportedAt);
        assert.deepEqual(times, [...times].sort());
      }
    });

    it('leaves a few reports missing, mostly on track, some at risk, one delayed, one measure done', () => {
      const missing = history.rounds.flatMap((round) =>
        round.measureIds.filter(
          (id) => !history.reports.some((r) => r.roundId === round.id && r.measureId === id),
        ),
      );
      assert.equal(missing.length, 4);
      const count = (status: string) => history.reports.filter((r) => r.status === status).length;
      assert.ok(count('onTrack') > history.reports.length * 0.7);
      assert.ok(count('atRisk') >= 3);
      assert.equal(count('delayed'), 1);
      assert.deepEqual(
        [...new Set(history.reports.filter((r) => r.status === 'done').map((r) => r.measureId))],
        ['2.3'],
      );
      const decisions = history.reports.filter((r) => r.needsSteeringDecision).map((r) => r.measureId);
      assert.deepEqual(decisions.sort(), ['1.3', '2.1', '2.2']);
      assert.ok(history.reports.filter((r) => r.obstacles).length >= 5);
      assert.ok(history.reports.filter((r) => r.nextStep).length >= 5);
    });

    it('has indicator values for the measures with indicators, moving towards their targets', () => {
      for (const measure of agreement.measures) {
        const indicator = measure.followUp.indicator;
        const values = history.reports
          .filter((r) => r.measureId === measure.id)
          .map((r) => r.indicatorValue)
          .filter((v) => v !== undefined);
        if (!indicator) {
          assert.deepEqual(values, [], measure.id);
          continue;
        }
        assert.ok(values.length > 0, measure.id);
        if (indicator.target === undefined || values.length < 2) continue;
        const first = values[0] as number;
        const last = values.at(-1) as number;
        assert.ok(Math.abs(indicator.target - last) < Math.abs(indicator.target - first), measure.id);
      }
      const est = history.reports.filter((r) => r.measureId === '1.1').map((r) => r.indicatorValue);
      assert.equal(est[0], 142);
      assert.equal(est.at(-1), 118);
    });
  });

  describe('a broken history', () => {
    it('names a reporter who is not an owner of the measure', () => {
      const problems = problemsOf((file) => {
        firstReport(file).reportedBy = 'Adele Vance';
      });
      assert.deepEqual(problems, ['rounds[0].reports[0].reportedBy: Adele Vance is not an owner of 1.1']);
    });

    it('names a narrative that is not marked as an example, and a label', () => {
      const problems = problemsOf((file) => {
        firstReport(file).narrative = 'Lägesbilden är klar.';
        (file.rounds[1] as Record<string, unknown>).label = '2021 kvartal 1';
      });
      assert.deepEqual(problems, [
        'rounds[0].reports[0].narrative: must start with "Exempel: "',
        'rounds[1].label: must end with " (exempel)"',
      ]);
    });

    it('names an unknown status and a misspelt field', () => {
      const problems = problemsOf((file) => {
        firstReport(file).status = 'klar';
        firstReport(file).nextstep = 'Nästa steg';
      });
      assert.deepEqual(problems, [
        'rounds[0].reports[0].status: Invalid option: expected one of "notStarted"|"onTrack"|"atRisk"|"delayed"|"done"|"cancelled"',
        'rounds[0].reports[0]: Unrecognized key: "nextstep"',
      ]);
    });

    it('names a report on a measure outside its round, or from before the round opened', () => {
      const problems = problemsOf((file) => {
        firstReport(file).measureId = '3.3';
        firstReport(file).reportedAt = '2020-12-31T12:00:00Z';
      });
      assert.deepEqual(problems, [
        "rounds[0].reports[0].measureId: 3.3 is not one of the round's measureIds",
        "rounds[0].reports[0].reportedAt: must not be before the round's openedAt",
      ]);
    });

    it('names a measure the agreement does not have and a round id used twice', () => {
      assert.deepEqual(
        problemsOf((file) => {
          (file.rounds[0] as { measureIds: string[] }).measureIds.push('4.1');
        }),
        ['rounds[0].measureIds[3]: no measure 4.1 in the agreement'],
      );
      assert.deepEqual(
        problemsOf((file) => {
          (file.rounds[1] as Record<string, unknown>).id = 'monthly-2021-01';
        }),
        ['rounds[1].id: monthly-2021-01 is used twice'],
      );
    });

    it('gives the file and the line of a YAML error', () => {
      assert.throws(
        () => parseExampleHistoryFile('agreementId: x\nrounds: [\n', 'agreements/broken.history.yaml'),
        (error: unknown) =>
          error instanceof ExampleHistoryFileError &&
          /agreements\/broken\.history\.yaml could not be loaded:\n {2}- line \d+, column \d+/.test(
            error.message,
          ),
      );
    });
  });

  describe('beside another agreement file', () => {
    it('finds none beside a copy of the example without one, and ignores one that names another agreement', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'history-'));
      const copy = join(dir, 'mine.yaml');
      await copyFile(examplePath, copy);
      assert.deepEqual(await findExampleHistory(copy, agreement), { kind: 'none' });

      await writeFile(
        join(dir, 'mine.history.yaml'),
        source.replace(/^agreementId: .*$/m, 'agreementId: another-agreement'),
      );
      assert.deepEqual(await findExampleHistory(copy, agreement), {
        kind: 'otherAgreement',
        fileName: join(dir, 'mine.history.yaml'),
        agreementId: 'another-agreement',
      });
    });
  });
});
