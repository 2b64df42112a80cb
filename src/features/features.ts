import type { AgreementContext } from './agreementContext.js';
import type { Repositories } from '../storage/repositories.js';
import type { CheckIns } from './checkIns/checkIns.js';
import type { Steering } from './steering/steering.js';
import type { CheckInCard } from './checkIns/checkInCard.js';
import type { Decisions } from './decisions/decisions.js';
import type { MeetingEvents } from './meetings/meetingEvents.js';
import type { PersonalDataRequests } from './personalData/personalData.js';
import type { PlanManagement } from './plan/planManagement.js';
import type { ReportExport } from './reports/reportExport.js';
import type { ReviewAnswers } from './steering/reviewAnswers.js';
import type { StatusAnswers } from './status/statusAnswers.js';

/** The services, repositories and settings the commands and card actions run with, built once at start. */
export interface Features
  extends AgreementContext, Pick<Repositories, 'plans' | 'conversations' | 'audit' | 'languages'> {
  checkIns: CheckIns;
  checkInCard: CheckInCard;
  status: StatusAnswers;
  reportExport: ReportExport;
  management: PlanManagement;
  steering: Steering;
  /** The start and end of the steering group's meetings in Teams. */
  meetingEvents: MeetingEvents;
  reviews: ReviewAnswers;
  personalData: PersonalDataRequests;
  decisions: Decisions;
  reminders: { afterWorkingDays: number; max: number };
  /** Called after jobs were planned, so they run now instead of at the next timer tick. */
  onJobsPlanned: () => void;
}
