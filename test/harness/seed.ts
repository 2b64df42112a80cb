import type { CheckInRound } from '../../src/domain/checkInRound.js';
import type { Report } from '../../src/domain/report.js';
import { users } from './activities.js';

/** Stored data for tests that start from a history: rounds and reports as the bot would have saved them. */
export const exampleAgreementId = 'upplands-vasby-sollentuna-2021-2022';
export const exampleMeasureIds = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3'];

export function seededRound(
  id: string,
  label: string,
  openedAt: string,
  status: CheckInRound['status'],
  measureIds: string[] = exampleMeasureIds,
): CheckInRound {
  return { id, agreementId: exampleAgreementId, label, trigger: 'manual', measureIds, openedAt, status };
}

export function seededReport(
  measureId: string,
  revision: number,
  fields: Partial<Report> & Pick<Report, 'status' | 'reportedAt'>,
): Report {
  return {
    agreementId: exampleAgreementId,
    measureId,
    revision,
    narrative: `Läget för ${measureId}, version ${revision}.`,
    needsSteeringDecision: false,
    reportedBy: users.alex,
    ...fields,
  };
}
