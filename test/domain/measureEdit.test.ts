import assert from 'node:assert/strict';
import { loadAgreementFile } from '../../src/config/agreementFile.js';
import { measureSchema, type Measure } from '../../src/domain/agreement.js';
import { nextMeasureId, parseMeasureSubmission } from '../../src/domain/measureEdit.js';
import { findMeasure } from '../../src/domain/measureSearch.js';

describe('measure numbers', () => {
  it('gives the hundredth measure of a goal area a number the plan, the forms and the search accept', async () => {
    const agreement = await loadAgreementFile('agreements/example.yaml');
    const template = agreement.measures[0] as Measure;
    const ninetyNine: Measure[] = Array.from({ length: 99 }, (_, i) => ({
      ...template,
      id: `${template.goalArea}.${i + 1}`,
      title: `Insats nummer ${i + 1}`,
    }));

    const id = nextMeasureId(ninetyNine, template.goalArea);

    assert.equal(id, `${template.goalArea}.100`);
    const hundredth = measureSchema.parse({ ...template, id, title: 'Den hundrade insatsen' });
    const found = findMeasure([...ninetyNine, hundredth], id);
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && found.measure.id, id);
    // A form's measure number that the schema refused would make the whole submit malformed.
    const edit = parseMeasureSubmission({ mode: 'edit', measureId: id, title: 'Ny titel' }, agreement);
    assert.notEqual(edit.kind, 'malformed');
  });
});
