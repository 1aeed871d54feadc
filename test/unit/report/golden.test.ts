import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReportContext } from '../../../src/report/context.js';
import { previewEmail } from '../../../src/report/preview.js';
import { renderChecks } from '../../../src/report/render-checks.js';
import { renderEmail } from '../../../src/report/render-email.js';
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

describe('report renderers (golden)', () => {
  for (const [name, verdict] of Object.entries(SCENARIOS)) {
    const ctx = buildReportContext(
      reportConfig(),
      { runId: 42, series: series(), verdict, runUrl: RUN_URL },
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
