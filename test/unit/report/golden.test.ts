import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReportContext } from '../../../src/report/context.js';
import { previewEmail } from '../../../src/report/preview.js';
import { renderChecks } from '../../../src/report/render-checks.js';
import { renderEmail } from '../../../src/report/render-email.js';
import type { InfraRetry } from '../../../src/report/types.js';
import type { Verdict } from '../../../src/verdict/verdict.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from './scenarios.js';

/**
 * The renderers are pinned by golden files. To accept a deliberate change, run with
 * UPDATE_GOLDEN=1 and review the diff of test/fixtures/golden/report/ like code.
 */
const dir = new URL('../../fixtures/golden/report/', import.meta.url);

function golden(name: string, actual: string): void {
  const file = new URL(name, dir);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

// An infra verdict of a daemon job: what the next attempt is, or that none comes.
const RETRIES: Record<string, InfraRetry> = {
  'infra-will-retry': { attempt: 1, maxAttempts: 4, nextAt: '2026-11-24T13:05:42.123Z' },
  'infra-gave-up': { attempt: 4, maxAttempts: 4 },
};

const CASES: [string, Verdict, InfraRetry | undefined][] = [
  ...Object.entries(SCENARIOS).map(([name, v]): [string, Verdict, undefined] => [
    name,
    v,
    undefined,
  ]),
  ...Object.entries(RETRIES).map(([name, r]): [string, Verdict, InfraRetry] => [
    name,
    SCENARIOS.infra as Verdict,
    r,
  ]),
];

describe('report renderers (golden)', () => {
  for (const [name, verdict, retry] of CASES) {
    const ctx = buildReportContext(
      reportConfig(),
      { runId: 42, series: series(), verdict, runUrl: RUN_URL, retry },
      NOW,
    );

    it(`renders the ${name} email`, () => {
      const email = renderEmail(ctx);
      golden(`${name}.email.txt`, previewEmail(email));
      // 76 keeps nodemailer on 7bit (no quoted-printable) and is within the 80 asked.
      for (const line of email.text.split('\n')) expect(line.length).toBeLessThanOrEqual(76);
      expect(email.text).not.toMatch(/<\/?(html|body|div|p|br|a|pre|table)\b/i);
    });

    it(`renders the ${name} checks`, () => {
      golden(`${name}.checks.json`, `${JSON.stringify(renderChecks(ctx), null, 2)}\n`);
    });
  }
});
