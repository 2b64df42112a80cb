import { findExampleHistory } from '../config/exampleHistoryFile.js';
import type { Agreement } from '../domain/agreement.js';
import { log } from '../platform/log.js';
import { ReportRepository } from './reportRepository.js';
import { RoundRepository } from './roundRepository.js';
import type { TableStore } from './tableStore.js';

/** What one start wrote of an example history. */
export interface ExampleHistorySync {
  fileName: string;
  rounds: number;
  reports: number;
  /** Round rows, report revisions and the measures' current rows. */
  rowsWritten: number;
  /** Measures left out because someone had already reported on them. */
  measuresSkipped: number;
}

/**
 * Writes the example history beside the agreement file into storage, the first time only. Undefined when the
 * agreement file has no `<name>.history.yaml` beside it or that file belongs to another agreement.
 *
 * Nothing is written once any of the history's rounds is stored (a later start, another instance, an agreement
 * that has its own rounds by those ids); and a measure someone has reported on keeps its reports untouched. The
 * reports go first and the rounds last, in one transaction, so a start that stopped midway is completed by the
 * next one.
 */
export async function syncExampleHistory(
  store: TableStore,
  agreementFile: string,
  agreement: Agreement,
): Promise<ExampleHistorySync | undefined> {
  const found = await findExampleHistory(agreementFile, agreement);
  if (found.kind === 'none') return undefined;
  if (found.kind === 'otherAgreement') {
    log.warn('exampleHistory.otherAgreement', {
      file: found.fileName,
      historyAgreementId: found.agreementId,
      agreementId: agreement.id,
    });
    return undefined;
  }
  const { history } = found;
  const rounds = new RoundRepository(store);
  const stored = new Set((await rounds.list(agreement.id)).map((r) => r.id));
  const nothing = { fileName: history.fileName, rounds: 0, reports: 0, rowsWritten: 0, measuresSkipped: 0 };
  if (history.rounds.some((r) => stored.has(r.id))) return nothing;

  const measures = new Set(history.reports.map((r) => r.measureId));
  const reports = await new ReportRepository(store).importNewHistory(history.reports);
  const roundsWritten = await rounds.importRounds(history.rounds);
  return {
    ...nothing,
    rounds: roundsWritten,
    reports: reports.revisions,
    rowsWritten: roundsWritten + reports.rows,
    measuresSkipped: measures.size - reports.measures,
  };
}
