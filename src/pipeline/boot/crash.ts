import type { Crash } from '../../verdict/stages.js';
import { topFrame } from './stack.js';

/**
 * Finds kernel splats in console or dmesg text. Pure. The patterns are those of BPF CI's
 * check-kernel-splats.sh plus panic and OOM: a WARN, a KASAN report or a hung task leaves
 * the guest running and the test binaries exit 0, so the console is scanned independently
 * of the test results. Each splat gets a fingerprint that does not change between runs
 * (no addresses, CPU numbers, PIDs, line numbers or offsets): a short title plus the top
 * of the call chain, so the judge can compare it with the base kernel's splats.
 */

interface Rule {
  kind: Crash['kind'];
  re: RegExp;
  /** The title from the match: already stripped of run-specific numbers. */
  title: (m: RegExpExecArray) => string;
}

const RULES: Rule[] = [
  { kind: 'panic', re: /Kernel panic - not syncing: (.*)$/, title: (m) => `panic: ${norm(m[1])}` },
  { kind: 'kasan', re: /BUG: KASAN: (\S+)/, title: (m) => `KASAN: ${m[1]}` },
  {
    kind: 'soft-lockup',
    re: /BUG: soft lockup - CPU#\d+ stuck/,
    title: () => 'soft lockup',
  },
  { kind: 'hard-lockup', re: /Watchdog detected hard LOCKUP/i, title: () => 'hard lockup' },
  {
    kind: 'rcu-stall',
    re: /INFO: (?:rcu_\w+ )?(?:self-)?detected stalls?|rcu_\w+ (?:self-)?detected stalls? on CPUs/,
    title: () => 'RCU stall',
  },
  {
    kind: 'hung-task',
    re: /INFO: task (\S+?):\d+ blocked for more than \d+ seconds/,
    title: (m) => `hung task ${m[1]}`,
  },
  { kind: 'bug', re: /kernel BUG at ([^:]+):\d+!/, title: (m) => `kernel BUG at ${m[1]}` },
  { kind: 'ubsan', re: /UBSAN: ([\w-]+(?: [\w-]+)*?)(?: in |$)/, title: (m) => `UBSAN: ${m[1]}` },
  { kind: 'bug', re: /BUG: (.*)$/, title: (m) => `BUG: ${norm(m[1])}` },
  { kind: 'oops', re: /Oops: |general protection fault/, title: () => 'Oops' },
  {
    kind: 'warning',
    re: /WARNING: CPU: \d+ PID: \d+ at (\S+?)(?::\d+)? /,
    title: (m) => `WARNING at ${m[1]}`,
  },
  { kind: 'warning', re: /WARNING: (.*)$/, title: (m) => `WARNING: ${norm(m[1])}` },
  {
    kind: 'oom',
    re: /Out of memory(?: \(oom_kill_allocating_task\))?: Kill(?:ed)? process \d+ \(([^)]*)\)/,
    title: (m) => `OOM killed ${m[1]}`,
  },
];

/**
 * Kernel lines that look like splats and are not: BPF CI's SPLAT_ALLOWLIST. Some CPUs
 * print this when a kernel runs with unprivileged BPF enabled.
 */
const NOT_SPLATS = [/WARNING: Unprivileged eBPF is enabled/];

const TIMESTAMP = /^\s*(?:<\d>)?\[\s*\d+\.\d+\]\s?/;
const MAX_EXCERPT_LINES = 60;

export function detectCrashes(text: string): Crash[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(TIMESTAMP, ''));
  const found: Crash[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (NOT_SPLATS.some((re) => re.test(line))) continue;
    const hit = matchRule(line);
    if (!hit) continue;
    const block = blockAt(lines, i);
    const top = topFrame(lines[i] ?? '', block);
    const fingerprint = top ? `${hit.title} in ${top}` : hit.title;
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    found.push({ kind: hit.kind, fingerprint, excerpt: block.join('\n') });
  }
  return found;
}

function matchRule(line: string): { kind: Crash['kind']; title: string } | undefined {
  // Our own guest and test_progs print "WARNING!" or "WARN:"; only the kernel's exact
  // "WARNING:" forms count, and never a line quoted inside a test's output.
  for (const rule of RULES) {
    const m = rule.re.exec(line);
    if (m) return { kind: rule.kind, title: rule.title(m) };
  }
  return undefined;
}

/** The splat's lines: from its header to the end of its stack dump. */
function blockAt(lines: string[], start: number): string[] {
  const out: string[] = [];
  for (let i = start; i < lines.length && out.length < MAX_EXCERPT_LINES; i++) {
    const line = lines[i] ?? '';
    out.push(line);
    if (i > start && /^\s*<\/TASK>|---\[ end |^Kernel Offset:/.test(line)) break;
  }
  return out;
}

/** Removes numbers that change from run to run: addresses, sizes, PIDs. */
function norm(text: string | undefined): string {
  return (text ?? '')
    .replace(/0x[0-9a-f]+/gi, 'ADDR')
    .replace(/\b[0-9a-f]{8,16}\b/gi, 'ADDR')
    .replace(/\b\d+\b/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}
