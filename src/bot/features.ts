import type { Locale } from '../domain/locale.js';
import type { CheckIns } from '../scheduling/checkIns.js';
import type { Steering } from '../scheduling/steering.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConversationRepository } from '../storage/conversationRepository.js';
import type { LanguageChoices } from '../storage/languageChoices.js';
import type { PlanRepository } from '../storage/planRepository.js';
import type { CheckInCard } from './checkInCard.js';
import type { PersonalDataRequests } from './personalData.js';
import type { PlanManagement } from './planManagement.js';
import type { ReportExport } from './reportExport.js';
import type { ReviewAnswers } from './reviewAnswers.js';
import type { StatusAnswers } from './statusAnswers.js';

/** The services, repositories and settings the commands and card actions run with, built once at start. */
export interface Features {
  agreementId: string;
  plans: PlanRepository;
  conversations: ConversationRepository;
  audit: AuditLog;
  /** The agreement's language: posts to shared channels, and answers where nothing else tells. */
  defaultLocale: Locale;
  languages: LanguageChoices;
  /** Where the people are: times in replies are shown in this zone. */
  timeZone: string;
  now: () => Date;
  checkIns: CheckIns;
  checkInCard: CheckInCard;
  status: StatusAnswers;
  reportExport: ReportExport;
  management: PlanManagement;
  steering: Steering;
  reviews: ReviewAnswers;
  personalData: PersonalDataRequests;
  reminders: { afterWorkingDays: number; max: number };
  /** Called after jobs were planned, so they run now instead of at the next timer tick. */
  onJobsPlanned: () => void;
}
