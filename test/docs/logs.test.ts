import assert from 'node:assert/strict';
import { envSchema } from '../../src/config/env.js';
import { describeError, log, withLogContext } from '../../src/platform/log.js';
import { logsDuring } from '../harness/logs.js';
import { readMarkdown, tableRows } from './markdown.js';

/** docs/operations.md's table of the fields every log line may carry, as field → its "What it is" cell. */
async function documentedFields(): Promise<Map<string, string>> {
  const rows = tableRows(await readMarkdown('docs/operations.md'), ['Field', 'On', 'What it is']);
  const fields = new Map<string, string>();
  for (const [names = '', , meaning = ''] of rows) {
    for (const [, name = ''] of names.matchAll(/`(\w+)`/g)) fields.set(name, meaning);
  }
  return fields;
}

describe('the log format in docs/operations.md', () => {
  it('names every field the logger itself writes, in a turn, in a job and for an error', async () => {
    const failure = Object.assign(new Error('Service unavailable'), { statusCode: 503 });
    const lines = await logsDuring(async () => {
      withLogContext({ activityId: '1631001601190', conversationId: '19:c@thread.tacv2' }, () =>
        log.error('turn.failed', describeError(failure)),
      );
      withLogContext(
        { jobId: 'missingSummary|r1', jobKind: 'missingSummary', agreementId: 'vasby-2021' },
        () => log.info('round.closed'),
      );
    }, 'debug');
    const written = new Set(lines.flatMap((line) => Object.keys(line)));
    const documented = await documentedFields();
    assert.deepEqual(
      [...written].filter((field) => !documented.has(field)),
      [],
    );
    // Written only with telemetry on: test/platform/telemetry.test.ts shows them on a turn's lines.
    const withTelemetry = ['traceId', 'spanId'];
    assert.deepEqual(
      [...documented.keys()].filter((field) => !written.has(field) && !withTelemetry.includes(field)),
      [],
      'the table names no field the logger does not write',
    );
  });

  it("lists the levels LOG_LEVEL takes (the configuration's), each line's level among them", async () => {
    const settings = envSchema.shape.LOG_LEVEL.unwrap().options;
    const documented = await documentedFields();
    const lineLevels = [...(documented.get('level') ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]);
    assert.deepEqual([...lineLevels, 'silent'], settings);
    const text = await readMarkdown('docs/operations.md');
    const section = text.slice(
      text.indexOf('## Logs and telemetry'),
      text.indexOf('## Retention and archive'),
    );
    for (const level of settings) assert.match(section, new RegExp(`\`LOG_LEVEL\`[^.]*\`${level}\``), level);
  });
});
