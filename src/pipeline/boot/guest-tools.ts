import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { SuiteResult } from '../../verdict/tests.js';

/**
 * Tools the 6.1 selftests run from the guest root (kernel-lab.md §5.4), and the
 * test_progs tests that run them. The guest root is the host root, so looking on the
 * host is looking in the guest. A missing one is infrastructure for those tests only,
 * never the series' failure and never the whole suite's.
 */
export const TOOL_USERS: Record<string, string[]> = {
  ping: [
    'cgroup_attach_autodetach',
    'cgroup_attach_multi',
    'cgroup_attach_override',
    'cgroup_link',
    'netcnt',
    'snprintf_btf',
    'tc_redirect',
    'tunnel',
    'bpf_cookie/perf_event',
  ],
  keyctl: ['verify_pkcs7_sig'],
  ethtool: ['xdp_synproxy'],
  iptables: ['xdp_synproxy'],
  ip: ['tc_redirect', 'tunnel', 'xdp_bonding', 'xdp_synproxy', 'test_tunnel'],
};
export const GUEST_TOOLS = Object.keys(TOOL_USERS);
const GUEST_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function missingGuestTools(tools = GUEST_TOOLS): string[] {
  return tools.filter((tool) => !GUEST_PATH.some((dir) => executable(join(dir, tool))));
}

/**
 * A failed test_progs test that needs a missing tool becomes a skip with the reason, listed
 * as infrastructure; the suite's other results stand.
 */
export function blameMissingTools(suite: SuiteResult, missing: string[]): SuiteResult {
  if (!missing.length || suite.kind !== 'test_progs') return suite;
  const needs = (name: string): string[] =>
    missing.filter((tool) =>
      (TOOL_USERS[tool] ?? []).some(
        (u) => name === u || name.startsWith(`${u}/`) || u.startsWith(`${name}/`),
      ),
    );
  const infraTests: { name: string; reason: string }[] = [];
  const tests = suite.tests.map((t) => {
    const tools = t.status === 'fail' ? needs(t.name) : [];
    if (!tools.length) return t;
    const reason = `guest root lacks ${tools.join(', ')}`;
    infraTests.push({ name: t.name, reason });
    return {
      ...t,
      status: 'skip' as const,
      excerpt: `infrastructure: ${reason}\n${t.excerpt ?? ''}`.trim(),
    };
  });
  if (!infraTests.length) return suite;
  const failed = tests.some((t) => t.status === 'fail') || suite.reason !== undefined;
  return {
    ...suite,
    tests,
    infraTests,
    ...(suite.outcome === 'failed' && !failed ? { outcome: 'ok' as const } : {}),
  };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
