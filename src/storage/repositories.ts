import { AgreementChoices } from './agreementChoices.js';
import { AuditLog } from './auditLog.js';
import { ConversationRepository } from './conversationRepository.js';
import { DecisionRepository } from './decisionRepository.js';
import { JobStore } from './jobStore.js';
import { LanguageChoices } from './languageChoices.js';
import { MeetingRepository } from './meetingRepository.js';
import { PlanRepository } from './planRepository.js';
import { ReportRepository } from './reportRepository.js';
import { RetentionRecords } from './retentionRecords.js';
import { ReviewRepository } from './reviewRepository.js';
import { RoundRepository } from './roundRepository.js';
import type { TableStore } from './tableStore.js';

/** Every repository, on one storage account, made once at start and shared by the features. */
export interface Repositories {
  plans: PlanRepository;
  reports: ReportRepository;
  rounds: RoundRepository;
  reviews: ReviewRepository;
  jobs: JobStore;
  audit: AuditLog;
  conversations: ConversationRepository;
  languages: LanguageChoices;
  agreementChoices: AgreementChoices;
  retentionRecords: RetentionRecords;
  decisions: DecisionRepository;
  meetings: MeetingRepository;
}

export function openRepositories(store: TableStore): Repositories {
  const rounds = new RoundRepository(store);
  return {
    plans: new PlanRepository(store),
    reports: new ReportRepository(store),
    rounds,
    reviews: new ReviewRepository(store),
    // A card's "sent" is stored before its job is recorded as finished (RoundRepository.recordSent).
    jobs: new JobStore(store, { beforeRecording: () => rounds.storeSent() }),
    audit: new AuditLog(store),
    conversations: new ConversationRepository(store),
    languages: new LanguageChoices(store),
    agreementChoices: new AgreementChoices(store),
    retentionRecords: new RetentionRecords(store),
    decisions: new DecisionRepository(store),
    meetings: new MeetingRepository(store),
  };
}
