import type { Agreement, Group, Measure, TeamsUser } from '../../src/domain/agreement.js';
import type { CheckInRound } from '../../src/domain/checkInRound.js';
import { measureStatuses, type Report } from '../../src/domain/report.js';

/**
 * Action plans and report histories of any size for the benchmarks, built in memory on the example agreement's
 * header (parties, period, goal text), so that the bot reads what a real plan of that size would hold.
 */
export interface PlanShape {
  /** The agreement id; the example's when absent. */
  id?: string;
  measures: number;
  /** Working groups (arbetsgrupper), each of which gets its own channel; measures are spread over them. */
  workingGroups: number;
  /** Measure owners, spread evenly: each owns `measures × ownersPerMeasure / owners` measures. */
  owners: number;
  ownersPerMeasure: number;
}

/** A measure owner of the generated plans; the number keeps ids and names apart. */
export function benchOwner(n: number): TeamsUser {
  return {
    aadObjectId: `00000000-0000-0000-0001-${String(n).padStart(12, '0')}`,
    name: `Ägare ${String(n).padStart(3, '0')}`,
  };
}

export function workingGroupId(n: number): string {
  return `arbetsgrupp-${String(n).padStart(2, '0')}`;
}

/**
 * Measure ids are `goal.number` with at most two digits each (what people type and what card data carries), so
 * a plan is spread over as many goal areas as it needs, at most 99 measures each.
 */
export function measureIds(count: number): string[] {
  const goalAreas = Math.max(3, Math.ceil(count / 99));
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const goal = (i % goalAreas) + 1;
    const number = Math.floor(i / goalAreas) + 1;
    ids.push(`${goal}.${number}`);
  }
  return ids.sort(byMeasureId);
}

export function benchAgreement(example: Agreement, shape: PlanShape): Agreement {
  const ids = measureIds(shape.measures);
  const goalNumbers = [...new Set(ids.map((id) => Number(id.split('.')[0])))];
  const coordinators = example.groups.find((g) => g.kind === 'beredningsgrupp');
  const steering = example.groups.find((g) => g.kind === 'styrgrupp');
  if (!coordinators || !steering)
    throw new Error('The example agreement has no coordinators or steering group');

  const owners = Array.from({ length: shape.owners }, (_, i) => benchOwner(i + 1));
  const workingGroups: Group[] = Array.from({ length: shape.workingGroups }, (_, i) => ({
    id: workingGroupId(i + 1),
    kind: 'arbetsgrupp',
    name: `Arbetsgrupp ${i + 1}`,
    members: owners
      .filter((_, o) => o % shape.workingGroups === i)
      .map((o) => ({ ...o, organisation: 'kommun' as const })),
  }));

  const measures = ids.map((id, i): Measure => {
    const goalArea = Number(id.split('.')[0]);
    const measureOwners = Array.from(
      { length: shape.ownersPerMeasure },
      (_, k) => owners[(i * shape.ownersPerMeasure + k) % owners.length] ?? benchOwner(1),
    );
    return {
      id,
      goalArea,
      title: `Insats ${id}: trygghetsskapande arbete i område ${(i % 40) + 1}`,
      description:
        'Kommunen och polisen genomför gemensamma insatser på de platser som lägesbilden pekar ut, ' +
        'med trygghetsvandringar, ordningsvakter, belysning och uppföljning i EST varje månad. ' +
        'Resultatet redovisas för styrgruppen inför varje möte.',
      ownerOrganisation: (['kommun', 'polis', 'gemensam'] as const)[i % 3] ?? 'gemensam',
      workingGroup: workingGroupId((i % shape.workingGroups) + 1),
      owners: measureOwners,
      communication: {
        communicate: i % 2 === 0,
        ...(i % 2 === 0 ? { note: 'På kommunens webbplats.' } : {}),
      },
      followUp: {
        cadence: 'monthly',
        ...(i % 3 === 0
          ? { indicator: { name: 'Otrygghetsskapande händelser', unit: 'händelser per månad', baseline: 40 } }
          : {}),
      },
    };
  });

  return {
    ...example,
    id: shape.id ?? example.id,
    goalAreas: goalNumbers.map((number) => ({
      number,
      title: example.goalAreas.find((g) => g.number === number)?.title ?? `Målområde ${number}`,
    })),
    measures,
    groups: [steering, coordinators, ...workingGroups],
    steeringMeetings: example.steeringMeetings,
  };
}

/**
 * `rounds` monthly rounds over the plan, the last one open: every measure reported once in each closed round
 * and `answeredInOpen` of them in the open one. Reports change status now and then, as real ones do.
 */
export function benchHistory(
  agreement: Agreement,
  options: { rounds: number; firstOpenedAt: Date; answeredInOpen: number },
): { rounds: CheckInRound[]; reports: Report[] } {
  const measureIds = agreement.measures.map((m) => m.id);
  const rounds: CheckInRound[] = [];
  const reports: Report[] = [];
  const day = 24 * 60 * 60_000;
  for (let r = 1; r <= options.rounds; r++) {
    const openedAt = new Date(options.firstOpenedAt.getTime() + (r - 1) * 30 * day);
    const open = r === options.rounds;
    const round: CheckInRound = {
      id: `bench-round-${r}`,
      agreementId: agreement.id,
      label: `Omgång ${r}`,
      trigger: 'monthly',
      measureIds,
      openedAt: openedAt.toISOString(),
      status: open ? 'open' : 'closed',
      ...(open ? {} : { closedAt: new Date(openedAt.getTime() + 20 * day).toISOString() }),
    };
    rounds.push(round);
    const answering = open ? Math.round(measureIds.length * options.answeredInOpen) : measureIds.length;
    agreement.measures.slice(0, answering).forEach((measure, i) => {
      const owner = measure.owners[r % measure.owners.length] ?? measure.owners[0];
      reports.push({
        agreementId: agreement.id,
        measureId: measure.id,
        roundId: round.id,
        submitId: `bench-${r}-${measure.id}`,
        revision: r,
        status: measureStatuses[(i + Math.floor(r / 3)) % 4] ?? 'onTrack',
        narrative:
          `Omgång ${r}: arbetet går enligt planen. Vi har genomfört de aktiviteter som planerades och ` +
          'följer upp resultatet med polisen och bostadsbolagen vid nästa EST-möte.',
        ...(i % 4 === 0 ? { obstacles: 'Personalbrist under semesterperioden.' } : {}),
        ...(i % 2 === 0 ? { nextStep: 'Ny trygghetsvandring nästa månad.' } : {}),
        ...(i % 3 === 0 ? { indicatorValue: 40 - r } : {}),
        needsSteeringDecision: i % 17 === 0,
        reportedBy: { aadObjectId: owner?.aadObjectId ?? '', name: owner?.name ?? '' },
        reportedAt: new Date(openedAt.getTime() + day + (i % 100) * 60_000).toISOString(),
      });
    });
  }
  return { rounds, reports };
}

function byMeasureId(a: string, b: string): number {
  const [ga = 0, na = 0] = a.split('.').map(Number);
  const [gb = 0, nb = 0] = b.split('.').map(Number);
  return ga - gb || na - nb;
}
