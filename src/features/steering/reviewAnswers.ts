import type { AgreementContext } from '../agreementContext.js';
import type { Repositories } from '../../storage/repositories.js';
import { may } from '../../domain/access.js';
import type { Locale } from '../../domain/locale.js';
import { compileReview, midTermMonth, parseReviewSubmission } from '../../domain/midTermReview.js';
import type { Plan } from '../../domain/plan.js';
import { log } from '../../platform/log.js';
import { renderCard, type AdaptiveCardJson } from '../shared/cards.js';
import { messagesFor } from '../shared/messages.js';
import { noticeView } from '../shared/views.js';

/** The card that asks the mid-term review's questions (halvtidsuppföljning). */
export function reviewCard(plan: Plan, locale: Locale): AdaptiveCardJson {
  const m = messagesFor(locale);
  return renderCard('review', {
    title: m.review.title(midTermMonth(plan.agreement)),
    intro: m.review.intro,
    organisationLabel: m.review.organisation,
    required: m.review.required,
    organisations: (['kommun', 'polis'] as const).map((value) => ({
      value,
      title: m.ownerOrganisation[value],
    })),
    questions: plan.agreement.midTermReview.questions.map((label, i) => ({ id: `answer${i + 1}`, label })),
    save: m.review.save,
  });
}

export type ReviewAnswersDependencies = Pick<AgreementContext, 'timeZone' | 'now'> &
  Pick<Repositories, 'reviews'>;

export class ReviewAnswers {
  constructor(private readonly deps: ReviewAnswersDependencies) {}

  /** `review.submit`: members of the preparation group and the working groups answer for their organisation. */
  async submit(plan: Plan, data: unknown, person: { aadObjectId?: string; name: string }, locale: Locale) {
    const m = messagesFor(locale);
    if (!person.aadObjectId || !may(plan, person, 'answerReview')) {
      return renderCard('notice', noticeView(m.notAllowedTitle, m.review.notMember));
    }
    const parsed = parseReviewSubmission(data, plan.agreement.midTermReview.questions.length);
    if (!parsed) return renderCard('notice', noticeView(m.problemTitle, m.review.invalid));
    await this.deps.reviews.add({
      agreementId: plan.agreement.id,
      organisation: parsed.organisation,
      answers: parsed.answers,
      answeredBy: { aadObjectId: person.aadObjectId, name: person.name },
      answeredAt: this.deps.now().toISOString(),
    });
    log.info('review.answered', { organisation: parsed.organisation });
    return renderCard(
      'notice',
      noticeView(m.manage.doneTitle, m.review.saved(m.ownerOrganisation[parsed.organisation])),
    );
  }

  /** `halvtid`: every question with the answers per organisation. */
  async compiled(plan: Plan, locale: Locale): Promise<AdaptiveCardJson> {
    const m = messagesFor(locale);
    const compiled = compileReview(
      plan.agreement.midTermReview.questions,
      await this.deps.reviews.list(plan.agreement.id),
    );
    const sections = compiled.map((q) => {
      const lines = (['kommun', 'polis'] as const).flatMap((org) =>
        q.byOrganisation[org].map((a) => m.review.answerLine(m.ownerOrganisation[org], a.name, a.answer)),
      );
      return { heading: q.question, counts: '', lines: lines.length ? lines : [m.review.noAnswers] };
    });
    return renderCard('status', {
      title: m.review.compiledTitle,
      computed: m.status.computed(m.dateTime(this.deps.now().toISOString(), this.deps.timeZone)),
      round: '',
      sections,
      footer: '',
      pageInfo: '',
      buttons: [],
    });
  }
}
