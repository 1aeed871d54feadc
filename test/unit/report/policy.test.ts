import { describe, expect, it } from 'vitest';
import { emailPolicy, listed } from '../../../src/report/policy.js';
import { reportConfig, SCENARIOS } from './scenarios.js';

const mail = (over: Record<string, unknown> = {}) => {
  const base = reportConfig().report.email;
  if (!base) throw new Error('fixture config has email');
  return { ...base, ...over };
};
const none = { series: 0, day: 0 };
const who = 'alice@example.org';
const S = SCENARIOS;

describe('email policy', () => {
  it('mails a failure the series caused by default, and nothing else', () => {
    expect(emailPolicy(mail(), S['new-failure'] as never, who, none)).toEqual({ send: true });
    expect(emailPolicy(mail(), S.conflict as never, who, none)).toEqual({ send: true });
    expect(emailPolicy(mail(), S.success as never, who, none)).toMatchObject({
      send: false,
      reason: /success/,
    });
    expect(emailPolicy(mail(), S['pre-existing-only'] as never, who, none)).toMatchObject({
      send: false,
      reason: /pre-existing/,
    });
    expect(emailPolicy(mail(), S.infra as never, who, none)).toMatchObject({
      send: false,
      reason: /infrastructure/,
    });
  });

  it('follows always / never and the mailInfra / mailWarnings switches', () => {
    expect(emailPolicy(mail({ policy: 'always' }), S.success as never, who, none).send).toBe(true);
    expect(emailPolicy(mail({ policy: 'never' }), S['new-failure'] as never, who, none).send).toBe(
      false,
    );
    expect(emailPolicy(mail({ mailInfra: true }), S.infra as never, who, none).send).toBe(true);
    expect(
      emailPolicy(mail({ mailWarnings: true }), S['pre-existing-only'] as never, who, none).send,
    ).toBe(true);
  });

  it('honours opt-out, opt-in (addresses and @domains) and rate limits', () => {
    const failure = S['new-failure'] as never;
    expect(emailPolicy(mail({ optOut: ['ALICE@example.org'] }), failure, who, none)).toMatchObject({
      send: false,
    });
    expect(emailPolicy(mail({ optIn: ['@example.org'] }), failure, who, none).send).toBe(true);
    expect(emailPolicy(mail({ optIn: ['bob@example.org'] }), failure, who, none)).toMatchObject({
      reason: /opted in/,
    });
    expect(
      emailPolicy(mail({ maxPerSeries: 2 }), failure, who, { series: 2, day: 0 }),
    ).toMatchObject({ reason: /per series/ });
    expect(emailPolicy(mail({ maxPerDay: 5 }), failure, who, { series: 0, day: 5 })).toMatchObject({
      reason: /per day/,
    });
  });

  it('matches list entries exactly or by @domain only', () => {
    expect(listed(['@example.org'], 'x@example.org')).toBe(true);
    expect(listed(['@example.org'], 'x@badexample.org')).toBe(false);
    expect(listed(['x@example.org'], 'xx@example.org')).toBe(false);
  });
});
