import { readFileSync } from 'node:fs';
import { Config } from '../../../src/config/schema.js';
import type { ReportSeries } from '../../../src/report/types.js';
import type { Verdict } from '../../../src/verdict/verdict.js';

/** Shared inputs for the report tests: the Patchwork fixture's series 3 and seven verdicts. */
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/report/${name}`, import.meta.url), 'utf8');

export const NOW = new Date('2026-11-25T12:00:00Z');
export const RUN_URL = 'https://ci.example.org/runs/42';
export const BASE = '9f3c1e2d4b5a69788796a5b4c3d2e1f001122334';

export function reportConfig(overrides: Record<string, unknown> = {}): Config {
  return Config.parse({
    version: 1,
    trees: { 'bpf-next': { upstream: '/srv/git/bpf-next.git' } },
    suites: [
      { name: 'test_progs', kind: 'test_progs' },
      { name: 'test_verifier', kind: 'test_verifier' },
    ],
    sources: {
      patchwork: {
        url: 'https://patchwork.example.org',
        project: 'netdevbpf',
        tokenEnv: 'BPFCI_TEST_PW_TOKEN',
      },
    },
    report: {
      baseUrl: 'https://ci.example.org',
      email: {
        from: 'bpfci <bpfci@ci.example.org>',
        smtp: { host: '127.0.0.1' },
        cc: ['bpf@vger.kernel.org'],
        archiveUrl: 'https://lore.kernel.org/bpf',
        trailers: { reportedBy: 'bpfci <bpfci@ci.example.org>', closes: true },
      },
    },
    ...overrides,
  });
}

export function series(): ReportSeries {
  const id = (n: number) => `<20261124-bpf-foo-lookup-v3-${n}@example.org>`;
  return {
    id: 3,
    name: 'bpf: Add bpf_foo_lookup() kfunc',
    version: 3,
    submitter: { name: 'Alice Example', addr: 'alice@example.org' },
    coverMessageId: id(0),
    coverSubject: '[PATCH bpf-next v3 0/3] bpf: Add bpf_foo_lookup() kfunc',
    patches: [
      {
        index: 1,
        messageId: id(1),
        subject: '[PATCH bpf-next v3 1/3] bpf: Add bpf_foo_lookup() kfunc',
        patchworkId: 5,
      },
      {
        index: 2,
        messageId: id(2),
        subject: '[PATCH bpf-next v3 2/3] libbpf: Declare bpf_foo_lookup() kfunc',
        patchworkId: 6,
      },
      {
        index: 3,
        messageId: id(3),
        subject: '[PATCH bpf-next v3 3/3] selftests/bpf: Add tests for bpf_foo_lookup()',
        patchworkId: 7,
      },
    ],
    patchworkId: 3,
  };
}

const applied = {
  status: 'pass' as const,
  tree: 'bpf-next',
  baseSha: BASE,
  baseReason: 'base-commit: trailer',
  patches: [1, 2, 3].map((index) => ({
    index,
    subject: `patch ${index}`,
    status: 'applied' as const,
  })),
};

const built = [
  {
    status: 'pass' as const,
    target: 'kernel' as const,
    durationMs: 66_000,
    warnings: 0,
    newWarnings: [],
    compiled: 14,
  },
  {
    status: 'pass' as const,
    target: 'selftests' as const,
    durationMs: 40_000,
    warnings: 0,
    newWarnings: [],
    compiled: 3,
  },
];

function tests(names: string[], failing: string[] = []) {
  return names.map((name) => ({
    name,
    status: failing.includes(name) ? ('fail' as const) : ('pass' as const),
  }));
}

function booted(progsFailing: string[] = [], verifierInfra = false) {
  return {
    status: 'ok' as const,
    kernel: 'bzImage',
    accel: 'kvm' as const,
    crashes: [],
    durationMs: 90_000,
    suites: [
      {
        suite: 'test_progs',
        kind: 'test_progs',
        outcome: progsFailing.length ? ('failed' as const) : ('ok' as const),
        exitCode: progsFailing.length ? 1 : 0,
        tests: tests(
          ['bpf_cookie/perf_event', 'bpf_foo_lookup', 'map_kptr', 'lru_bug', 'sockmap_listen'],
          progsFailing,
        ),
        durationMs: 60_000,
      },
      {
        suite: 'test_verifier',
        kind: 'test_verifier',
        outcome: verifierInfra ? ('infra' as const) : ('ok' as const),
        exitCode: 0,
        tests: tests(['#1 add+sub+mul', '#2 xor']),
        durationMs: 20_000,
        ...(verifierInfra ? { infraReason: 'guest stopped responding' } : {}),
      },
    ],
  };
}

const cookieExcerpt = fixture('test_progs-bpf_cookie-fail.txt');

export const SCENARIOS: Record<string, Verdict> = {
  success: {
    verdict: 'success',
    summary: 'no new failures',
    apply: applied,
    build: built,
    boot: booted(),
    failures: [],
    baselineRunId: 7,
    extraRuns: 0,
  },
  'new-failure': {
    verdict: 'failure',
    summary: '1 new failure',
    apply: applied,
    build: built,
    boot: booted(['bpf_cookie/perf_event', 'map_kptr', 'sockmap_listen']),
    failures: [
      {
        suite: 'test_progs',
        name: 'bpf_cookie/perf_event',
        class: 'new',
        excerpt: cookieExcerpt,
        guiltyPatch: 1,
      },
      { suite: 'test_progs', name: 'map_kptr', class: 'pre-existing' },
      { suite: 'test_progs', name: 'sockmap_listen', class: 'flaky' },
    ],
    baselineRunId: 7,
    // Two reruns on the series kernel confirmed it; two bisection probes found patch 1.
    extraRuns: 4,
    extraRunsDetail: { seriesReruns: 2, baseReruns: 0, bisect: 2 },
    versionDiff: {
      fixed: ['bpf_foo_lookup'],
      broken: ['bpf_cookie/perf_event'],
      previousSeriesId: 1,
    },
  },
  'pre-existing-only': {
    verdict: 'warning',
    summary: 'only pre-existing failures',
    apply: applied,
    build: built,
    boot: booted(['map_kptr', 'lru_bug']),
    failures: [
      { suite: 'test_progs', name: 'map_kptr', class: 'pre-existing' },
      { suite: 'test_progs', name: 'lru_bug', class: 'pre-existing' },
    ],
    baselineRunId: 7,
    extraRuns: 0,
  },
  'veristat-growth': {
    verdict: 'warning',
    summary: 'no new failures; 1 veristat program cost the verifier more',
    apply: applied,
    build: built,
    boot: {
      ...booted(),
      suites: [
        ...booted().suites,
        {
          suite: 'veristat',
          kind: 'veristat',
          outcome: 'ok' as const,
          exitCode: 0,
          tests: tests(['pyperf600.bpf.o/on_event', 'loop1.bpf.o/nested_loops']),
          durationMs: 110_000,
        },
      ],
    },
    failures: [],
    growth: [
      {
        suite: 'veristat',
        name: 'pyperf600.bpf.o/on_event',
        metric: 'insns',
        base: 90_412,
        series: 112_300,
        percent: 24.2,
      },
      {
        suite: 'veristat',
        name: 'pyperf600.bpf.o/on_event',
        metric: 'states',
        base: 4_000,
        series: 5_100,
        percent: 27.5,
      },
    ],
    baselineRunId: 7,
    extraRuns: 0,
  },
  conflict: {
    verdict: 'failure',
    summary: 'patch 2 does not apply',
    apply: {
      ...applied,
      status: 'conflict',
      patches: [
        { index: 1, subject: 'patch 1', status: 'applied' },
        {
          index: 2,
          subject: 'patch 2',
          status: 'failed',
          conflictFiles: ['tools/lib/bpf/bpf_helpers.h'],
          error: [
            'error: patch failed: tools/lib/bpf/bpf_helpers.h:312',
            'error: tools/lib/bpf/bpf_helpers.h: patch does not apply',
            'Patch failed at 0002 libbpf: Declare bpf_foo_lookup() kfunc',
          ].join('\n'),
        },
        { index: 3, subject: 'patch 3', status: 'not-attempted' },
      ],
    },
    failures: [],
    extraRuns: 0,
  },
  'build-failure': {
    verdict: 'failure',
    summary: 'kernel build broken by patch 2',
    apply: applied,
    build: [
      {
        status: 'fail',
        target: 'kernel',
        durationMs: 30_000,
        warnings: 0,
        newWarnings: [],
        compiled: 9,
        guiltyPatch: 2,
        firstError: {
          file: 'kernel/bpf/helpers.c',
          line: 2418,
          message:
            "error: implicit declaration of function 'bpf_foo_find' [-Werror=implicit-function-declaration]",
          context: [
            'kernel/bpf/helpers.c: In function \u2018bpf_foo_lookup\u2019:',
            "kernel/bpf/helpers.c:2418:16: error: implicit declaration of function 'bpf_foo_find' [-Werror=implicit-function-declaration]",
            ' 2418 |         return bpf_foo_find(map, key);',
            '      |                ^~~~~~~~~~~~',
          ].join('\n'),
        },
      },
    ],
    failures: [],
    guiltyPatch: 2,
    baselineRunId: 7,
    extraRuns: 0,
  },
  'kernel-crash': {
    verdict: 'failure',
    summary: 'kernel panic during test_progs',
    apply: applied,
    build: built,
    boot: {
      status: 'crash',
      kernel: 'bzImage',
      accel: 'kvm',
      suites: [],
      crashes: [
        {
          kind: 'panic',
          fingerprint: 'sysrq_handle_crash',
          excerpt: fixture('console-panic-excerpt.txt'),
        },
      ],
      durationMs: 5_000,
    },
    failures: [{ suite: 'kernel', name: 'panic: sysrq_handle_crash', class: 'new' }],
    baselineRunId: 7,
    extraRuns: 1,
  },
  infra: {
    verdict: 'infra',
    summary: 'QEMU could not start: /dev/kvm busy',
    apply: applied,
    build: built,
    boot: {
      status: 'infra',
      kernel: 'bzImage',
      accel: 'tcg',
      suites: [],
      crashes: [],
      durationMs: 1_000,
      reason: 'QEMU could not start: /dev/kvm busy',
    },
    failures: [],
    extraRuns: 0,
  },
  // libbpf patch 2 breaks a test on Debian's 6.1 only; another older kernel did not boot.
  'older-kernel-failure': {
    verdict: 'failure',
    summary: '1 new failure',
    apply: applied,
    build: built,
    boot: booted(),
    failures: [
      {
        suite: 'test_progs@debian-6.1',
        name: 'bpf_foo_lookup',
        class: 'new',
        excerpt: 'test_bpf_foo_lookup:FAIL:kfunc not found\n',
        guiltyPatch: 2,
      },
      { suite: 'test_progs@debian-6.1', name: 'map_kptr', class: 'pre-existing' },
    ],
    guiltyPatch: 2,
    baselineRunId: 7,
    extraRuns: 3,
    extraRunsDetail: { seriesReruns: 2, baseReruns: 0, bisect: 1 },
    matrix: {
      ran: true,
      reason: 'the series changes tools/lib/bpf/libbpf.c and 1 more',
      kernels: [
        {
          name: 'debian-6.1',
          release: '6.1.0-57-amd64',
          status: 'tested',
          boot: booted(['bpf_foo_lookup', 'map_kptr']),
        },
        {
          name: 'stable-5.15',
          status: 'infra',
          reason: 'the base on it could not be tested: no GUEST-READY on the console',
        },
      ],
    },
  },
  'older-kernel-skipped': {
    verdict: 'success',
    summary: 'no new failures',
    apply: applied,
    build: built,
    boot: booted(),
    failures: [],
    baselineRunId: 7,
    extraRuns: 0,
    matrix: {
      ran: false,
      reason:
        'the series changes nothing under tools/lib/bpf/, tools/bpf/, tools/testing/selftests/bpf/',
      kernels: [],
    },
  },
};
