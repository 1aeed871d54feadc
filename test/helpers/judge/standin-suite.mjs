#!/usr/bin/env node
// A stand-in BPF test suite whose per-test outcomes a scenario scripts. It prints
// test_progs' own result format, so the real test_progs parser reads it.
//
//   standin-suite.mjs <kernel.json> <schedule.json> <counter-dir> [only...]
//
// kernel.json is what the lab "kernel build" produced from the lane's tree:
//   { "tests": { "<name>": "pass" | "fail" } }   (the tree decides: a real regression)
// schedule.json is the scenario's script, outside the tree (flakiness, infra):
//   { "tests": { "<name>": { "failOn": [2] } },  fail on the test's 2nd run anywhere
//     "exitOn": { "3": 2 },                      runner exits 2 on the suite's 3rd run
//     "sleepOn": [1], "sleepSeconds": 30 }       hang on the suite's 1st run
// Counters live in counter-dir, so attempts are counted across boots.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [kernelFile, scheduleFile, counterDir, ...only] = process.argv.slice(2);
const kernel = JSON.parse(readFileSync(kernelFile, 'utf8'));
const schedule = existsSync(scheduleFile) ? JSON.parse(readFileSync(scheduleFile, 'utf8')) : {};
mkdirSync(counterDir, { recursive: true });

function bump(name) {
  const file = join(counterDir, `${name}.count`);
  const n = (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0) + 1;
  writeFileSync(file, String(n));
  return n;
}

const run = bump('_suite');
if ((schedule.sleepOn ?? []).includes(run)) {
  await new Promise((r) => setTimeout(r, (schedule.sleepSeconds ?? 60) * 1000));
}
const exit = schedule.exitOn?.[String(run)];
if (exit !== undefined) {
  console.log('Failed to set up the test environment (scripted)');
  process.exit(exit);
}

let passed = 0;
let failed = 0;
let i = 0;
for (const [name, outcome] of Object.entries(kernel.tests ?? {})) {
  i += 1;
  if (only.length > 0 && !only.includes(name)) continue;
  const attempt = bump(`test-${name}`);
  const scripted = (schedule.tests?.[name]?.failOn ?? []).includes(attempt);
  if (outcome === 'fail' || scripted) {
    console.log(`test_${name}:FAIL:check unexpected result (attempt ${attempt})`);
    console.log(`#${i}       ${name}:FAIL`);
    failed += 1;
  } else {
    console.log(`#${i}       ${name}:OK`);
    passed += 1;
  }
}
console.log(`Summary: ${passed}/0 PASSED, 0 SKIPPED, ${failed} FAILED`);
process.exit(failed > 0 ? 1 : 0);
