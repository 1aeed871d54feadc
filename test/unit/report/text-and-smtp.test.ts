import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../../src/report/smtp.js';
import { cleanText, excerpt, fold, wrap } from '../../../src/report/text.js';

describe('plain-text helpers', () => {
  it('wraps words to the width with a hanging indent', () => {
    const lines = wrap('alpha beta gamma delta epsilon', 12, '- ', '  ');
    expect(lines).toEqual(['- alpha beta', '  gamma', '  delta', '  epsilon']);
  });

  it('folds a long unbroken token instead of overflowing', () => {
    const lines = fold(`x ${'y'.repeat(30)}`, 10, '  ');
    expect(lines.every((l) => l.length <= 10)).toBe(true);
    expect(lines.join('').replace(/\s/g, '')).toBe(`x${'y'.repeat(30)}`);
  });

  it('strips ANSI colours and control characters, expands tabs', () => {
    expect(cleanText('\u001b[31mFAIL\u001b[0m\ta\u0007\r\nb')).toBe('FAIL    a\nb');
  });

  it('keeps the last lines of a long excerpt and says what was cut', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const lines = excerpt(text, 5);
    expect(lines).toEqual([
      '  [... 45 earlier lines cut, see the full log ...]',
      '  line 45',
      '  line 46',
      '  line 47',
      '  line 48',
      '  line 49',
    ]);
  });
});

describe('SMTP error classification', () => {
  it('tells refusals, transient errors and unknown outcomes apart', () => {
    expect(classifySmtpError({ responseCode: 550, message: 'no such user' })).toBe('permanent');
    expect(classifySmtpError({ responseCode: 451, message: 'try later' })).toBe('temporary');
    expect(
      classifySmtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }),
    ).toBe('temporary');
    // nodemailer reports a cut after DATA as ECONNECTION/CONN: the mail may be out.
    expect(
      classifySmtpError({
        code: 'ECONNECTION',
        command: 'CONN',
        message: 'Connection closed unexpectedly',
      }),
    ).toBe('uncertain');
    expect(classifySmtpError(new Error('socket hang up'))).toBe('uncertain');
  });
});
