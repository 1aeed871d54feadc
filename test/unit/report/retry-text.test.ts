import { describe, expect, it } from 'vitest';
import { emailPolicy } from '../../../src/report/policy.js';
import { retryNote, retrySentence, retryTime } from '../../../src/report/retry-text.js';
import { reportConfig, SCENARIOS } from './scenarios.js';

const later = { attempt: 1, maxAttempts: 4, nextAt: '2026-11-24T13:05:42.123Z' };
const spent = { attempt: 4, maxAttempts: 4 };

describe('what an infra report says comes next', () => {
  it('names the time and the attempt of the next try', () => {
    expect(retryTime(later.nextAt)).toBe('2026-11-24 13:05 UTC');
    expect(retrySentence(later)).toBe(
      'bpfci will test it again after 2026-11-24 13:05 UTC (attempt 2 of 4).',
    );
    expect(retryNote(later)).toBe('retry after 2026-11-24 13:05 UTC');
  });

  it('says there is none once the attempts are spent, or when no queue runs it', () => {
    expect(retrySentence(spent)).toBe(
      'bpfci gave up after 4 attempts and will not test this revision again by itself; a new revision is tested as usual.',
    );
    expect(retrySentence({ attempt: 1, maxAttempts: 4 })).toMatch(
      /^bpfci gave up after 1 attempt and/,
    );
    expect(retrySentence(undefined)).toBe(
      'bpfci will not test this revision again by itself; a new revision is tested as usual.',
    );
    expect(retryNote(spent)).toBe('not retried');
    for (const text of [retrySentence(spent), retrySentence(undefined), retryNote(spent)])
      expect(text).not.toMatch(/will be retried|will retry/);
  });

  it('mails an infra outcome (mailInfra) only when no retry follows', () => {
    const base = reportConfig().report.email;
    if (!base) throw new Error('fixture config has email');
    const mail = { ...base, mailInfra: true };
    const counts = { series: 0, day: 0 };
    const v = SCENARIOS.infra as never;
    expect(emailPolicy(mail, v, 'alice@example.org', counts, later)).toEqual({
      send: false,
      reason:
        'infrastructure outcome, tried again after 2026-11-24 13:05 UTC: only the last attempt is mailed',
    });
    expect(emailPolicy(mail, v, 'alice@example.org', counts, spent)).toEqual({ send: true });
  });
});
