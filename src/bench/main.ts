#!/usr/bin/env node
import { benchBoot } from './boot.js';
import { benchBuild } from './build.js';
import { benchFleet } from './fleet.js';
import { benchJudge } from './judge.js';
import { benchMatrix } from './matrix.js';
import { benchPoll } from './poll.js';
import { benchRss } from './rss.js';
import { type BenchSection, formatSection } from './section.js';
import { benchSelftests } from './selftests.js';

/**
 * `npm run bench`: speed, measured on this host, never asserted in tests.
 * Each section lives in its own file; add yours to the list. Sections run one
 * after another (they share 2 cores with nothing else of ours) and a failing
 * section is reported and does not stop the others.
 */
const sections: [string, () => Promise<BenchSection>][] = [
  ['build', benchBuild],
  ['poll', benchPoll],
  ['rss', benchRss],
  ['boot', benchBoot],
  ['judge', benchJudge],
  ['selftests', benchSelftests],
  ['matrix', benchMatrix],
  ['fleet', benchFleet],
];

const only = process.argv.slice(2);
let failed = 0;
for (const [name, run] of sections) {
  if (only.length > 0 && !only.includes(name)) continue;
  try {
    process.stdout.write(formatSection(await run()));
  } catch (err) {
    failed++;
    process.stdout.write(
      `## ${name}\n  FAILED: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
}
process.exitCode = failed > 0 ? 1 : 0;
