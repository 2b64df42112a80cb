/**
 * The agreement a person last chose, when they take part in several: a message in their chat that names none is
 * about this one. Only they write it; it is theirs, and an erasure deletes it.
 */
export interface AgreementChoice {
  aadObjectId: string;
  agreementId: string;
  chosenAt: string;
}
