import { isCoordinator } from './agreement.js';
import { isOwner } from './checkInRound.js';
import { groupsBoundTo, type Plan } from './plan.js';

/**
 * Who may do what. Every handler asks `may` before it acts, so the rules of the agreement live here and nowhere
 * else: coordinators (the beredningsgrupp) manage; owners report on their own measures; members of the
 * agreement's groups and of channels bound to them read; names of people who have not reported are for
 * coordinators only.
 */
export type Action =
  | 'readHelp'
  | 'readMine'
  | 'readStatus'
  | 'readNames'
  | 'reportOnMeasure'
  | 'answerReview'
  | 'bindChannel'
  | 'openRound'
  | 'closeRound'
  | 'managePlan'
  | 'extendAgreement'
  | 'exportReports'
  /** Recording, changing and completing the steering group's decisions (beslut). */
  | 'manageDecisions'
  /** A registered person's request for their data (GDPR art. 15) or its erasure (art. 17). */
  | 'handlePersonalData';

export const actions: readonly Action[] = [
  'readHelp',
  'readMine',
  'readStatus',
  'readNames',
  'reportOnMeasure',
  'answerReview',
  'bindChannel',
  'openRound',
  'closeRound',
  'managePlan',
  'extendAgreement',
  'exportReports',
  'manageDecisions',
  'handlePersonalData',
];

export interface Who {
  aadObjectId?: string;
  /** The team channel the person acts in, if any. */
  channelId?: string;
}

/** The measure an owner's action is about. */
export interface About {
  measureId?: string;
}

const coordinatorsOnly: ReadonlySet<Action> = new Set([
  'readNames',
  'bindChannel',
  'openRound',
  'closeRound',
  'managePlan',
  'extendAgreement',
  'exportReports',
  'manageDecisions',
  'handlePersonalData',
]);

export function may(plan: Plan, who: Who, action: Action, about: About = {}): boolean {
  const { agreement } = plan;
  const id = who.aadObjectId;
  if (action === 'readHelp' || action === 'readMine') return true;
  if (coordinatorsOnly.has(action)) return isCoordinator(agreement, id);
  switch (action) {
    case 'reportOnMeasure': {
      const measure = agreement.measures.find((m) => m.id === about.measureId);
      return !!measure && isOwner(measure, id);
    }
    case 'answerReview':
      // The preparation group and the working groups answer the mid-term review; the steering group reads it.
      return (
        !!id &&
        agreement.groups.some((g) => g.kind !== 'styrgrupp' && g.members.some((m) => m.aadObjectId === id))
      );
    case 'readStatus':
      if (who.channelId && groupsBoundTo(plan, who.channelId).length > 0) return true;
      return (
        !!id &&
        (agreement.groups.some((g) => g.members.some((m) => m.aadObjectId === id)) ||
          agreement.measures.some((m) => isOwner(m, id)))
      );
    default:
      return false;
  }
}
