import { describe, expect, it } from 'vitest';
import { parseMailDate } from '../../../src/mail/date.js';

const NOW = Date.UTC(2024, 5, 1);

describe('parseMailDate', () => {
  it.each([
    ['Thu, 02 May 2024 09:15:00 +0000', '2024-05-02T09:15:00.000Z'],
    ['2 May 2024 11:15:00 +0200', '2024-05-02T09:15:00.000Z'],
    ['Thu, 2 May 2024 05:15 -0400', '2024-05-02T09:15:00.000Z'],
    ['Thu, 02 May 24 09:15:00 GMT', '2024-05-02T09:15:00.000Z'],
    ['Thu, 02 May 2024 02:15:00 PDT (Pacific)', '2024-05-02T09:15:00.000Z'],
  ])('%s', (value, iso) => {
    expect(parseMailDate(value, NOW)).toEqual({ iso });
  });

  it.each([
    [undefined, 'no Date header'],
    ['sometime last week', 'unparseable Date: "sometime last week"'],
    ['Thu, 02 Foo 2024 09:15:00 +0000', 'unparseable Date: "Thu, 02 Foo 2024 09:15:00 +0000"'],
    ['Thu, 02 May 2024 09:15:00 +9999', 'unparseable Date: "Thu, 02 May 2024 09:15:00 +9999"'],
    ['31 Feb 2024 09:15:00 +0000', 'invalid Date: "31 Feb 2024 09:15:00 +0000"'],
    ['02 May 2024 25:15:00 +0000', 'invalid Date: "02 May 2024 25:15:00 +0000"'],
    ['01 Jan 1970 00:00:00 +0000', 'out-of-range Date: "01 Jan 1970 00:00:00 +0000"'],
    ['03 Jun 2024 00:00:00 +0000', 'out-of-range Date: "03 Jun 2024 00:00:00 +0000"'],
  ])('%s → null, never now', (value, note) => {
    expect(parseMailDate(value, NOW)).toEqual({ iso: null, note });
  });
});
