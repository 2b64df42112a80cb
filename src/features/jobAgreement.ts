import { z } from 'zod';
import type { JobSpec } from '../storage/jobStore.js';

/**
 * Every job names the agreement it was planned for, so that one scheduler can run the jobs of several agreements
 * (`routeJobs` in agreementRuntime.ts). Optional when read: jobs stored before there were several agreements have
 * none, and belong to the agreement the deployment served then.
 */
export const jobAgreementId = z.string().min(1).optional();

/** A payload as enqueued: always with its agreement. */
export type Planned<Payload> = Payload & { agreementId: string };

/** The agreement a stored job names, if it names one. */
export function agreementOfJob(job: Pick<JobSpec, 'payload'>): string | undefined {
  const id = job.payload.agreementId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
