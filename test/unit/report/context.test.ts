import { describe, expect, it } from 'vitest';
import { buildReportContext, replyTarget } from '../../../src/report/context.js';
import { renderChecks, renderPendingChecks, targetUrl } from '../../../src/report/render-checks.js';
import { renderEmail } from '../../../src/report/render-email.js';
import { plannedContexts, slugContext } from '../../../src/report/stages.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from './scenarios.js';

const cover = '<20261124-bpf-foo-lookup-v3-0@example.org>';
const patch = (n: number) => `<20261124-bpf-foo-lookup-v3-${n}@example.org>`;

describe('reply target', () => {
  it('replies to the cover letter', () => {
    expect(replyTarget(series(), SCENARIOS['new-failure'] as never)).toMatchObject({
      messageId: cover,
      references: [cover],
      reason: 'cover',
      subject: 'Re: [PATCH bpf-next v3 0/3] bpf: Add bpf_foo_lookup() kfunc',
    });
  });

  it('replies to the last patch when there is no cover letter', () => {
    const s = { ...series(), coverMessageId: null, coverSubject: null };
    expect(replyTarget(s, SCENARIOS['new-failure'] as never)).toMatchObject({
      messageId: patch(3),
      references: [patch(3)],
      reason: 'last-patch',
    });
  });

  it('replies to the guilty patch, keeping the cover in References', () => {
    expect(replyTarget(series(), SCENARIOS['build-failure'] as never)).toMatchObject({
      messageId: patch(2),
      references: [cover, patch(2)],
      reason: 'guilty-patch',
      subject: 'Re: [PATCH bpf-next v3 2/3] libbpf: Declare bpf_foo_lookup() kfunc',
    });
  });

  it('skips a malformed cover Message-ID instead of putting it in a header', () => {
    const s = { ...series(), coverMessageId: '<x>\r\nBcc: evil@example.org' };
    expect(replyTarget(s, SCENARIOS.success as never)?.messageId).toBe(patch(3));
  });
});

describe('report context and checks', () => {
  it('gives the same Message-ID for the same report and another for another run', () => {
    const input = {
      runId: 42,
      series: series(),
      verdict: SCENARIOS['new-failure'] as never,
      runUrl: RUN_URL,
    };
    const a = renderEmail(buildReportContext(reportConfig(), input, NOW));
    const b = renderEmail(
      buildReportContext(reportConfig(), input, new Date(NOW.getTime() + 1000)),
    );
    const c = renderEmail(buildReportContext(reportConfig(), { ...input, runId: 43 }, NOW));
    expect(a.messageId).toBe(b.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    expect(a.messageId).toMatch(/^<bpfci-42-[0-9a-f]{8}@ci\.example\.org>$/);
  });

  it('does not Cc the submitter twice', () => {
    const config = reportConfig();
    if (config.report.email) config.report.email.cc = ['bpf@vger.kernel.org', 'Alice@example.org'];
    const ctx = buildReportContext(
      config,
      { runId: 1, series: series(), verdict: SCENARIOS.success as never, runUrl: RUN_URL },
      NOW,
    );
    expect(ctx.email?.cc).toEqual(['bpf@vger.kernel.org']);
  });

  it('names contexts as slugs, one per stage and suite', () => {
    const names = {
      contextPrefix: 'bpfci',
      arch: 'x86_64',
      suites: ['test_progs', 'test progs/no alu32'],
    };
    expect(plannedContexts(names)).toEqual([
      'bpfci-apply',
      'bpfci-build',
      'bpfci-boot',
      'bpfci-test_progs-x86_64',
      'bpfci-test_progs_no_alu32-x86_64',
    ]);
    expect(slugContext('a//b__c-')).toBe('a_b_c-');
  });

  it('posts pending on every planned context of every patch, or only the last patch if configured', () => {
    const names = { contextPrefix: 'bpfci', arch: 'x86_64', suites: ['test_progs'] };
    expect(renderPendingChecks(names, [5, 6, 7], RUN_URL)).toHaveLength(12);
    const config = reportConfig();
    config.report.checks.patches = 'last';
    const ctx = buildReportContext(
      config,
      { runId: 1, series: series(), verdict: SCENARIOS.success as never, runUrl: RUN_URL },
      NOW,
    );
    expect(new Set(renderChecks(ctx).map((c) => c.patchId))).toEqual(new Set([7]));
  });

  it('maps verdicts to check states: fail for new, warning for not-ours and infra', () => {
    const states = (name: string) => {
      const ctx = buildReportContext(
        reportConfig(),
        { runId: 1, series: series(), verdict: SCENARIOS[name] as never, runUrl: RUN_URL },
        NOW,
      );
      return Object.fromEntries(
        renderChecks(ctx)
          .filter((c) => c.patchId === 5)
          .map((c) => [c.context, c.state]),
      );
    };
    expect(states('new-failure')['bpfci-test_progs-x86_64']).toBe('fail');
    expect(states('pre-existing-only')['bpfci-test_progs-x86_64']).toBe('warning');
    expect(states('infra')['bpfci-boot']).toBe('warning');
    // Patch 1 of a series whose patch 2 conflicts applied: it is not failed.
    expect(states('conflict')['bpfci-apply']).toBe('success');
    expect(states('success')).toEqual({
      'bpfci-apply': 'success',
      'bpfci-build': 'success',
      'bpfci-boot': 'success',
      'bpfci-test_progs-x86_64': 'success',
      'bpfci-test_verifier-x86_64': 'success',
    });
  });

  it('a crash the base has too is a boot warning, even when a test fails for real', () => {
    const crash = SCENARIOS['kernel-crash'] as NonNullable<(typeof SCENARIOS)['kernel-crash']>;
    const verdict = {
      ...crash,
      failures: [
        { suite: 'kernel', name: 'panic: sysrq_handle_crash', class: 'pre-existing' },
        { suite: 'test_progs', name: 'bpf_cookie/perf_event', class: 'new' },
      ],
    } as never;
    const ctx = buildReportContext(
      reportConfig(),
      { runId: 1, series: series(), verdict, runUrl: RUN_URL },
      NOW,
    );
    const boot = renderChecks(ctx).find((c) => c.patchId === 5 && c.context === 'bpfci-boot');
    expect(boot).toMatchObject({ state: 'warning', description: expect.stringMatching(/base/) });
  });

  it('does not fail the patches before the guilty one: bisection cleared them', () => {
    const verdict = { ...SCENARIOS['new-failure'], guiltyPatch: 2 } as never;
    const ctx = buildReportContext(
      reportConfig(),
      { runId: 1, series: series(), verdict, runUrl: RUN_URL },
      NOW,
    );
    const progs = renderChecks(ctx).filter((c) => c.context === 'bpfci-test_progs-x86_64');
    expect(progs.map((c) => [c.patchId, c.state])).toEqual([
      [5, 'success'],
      [6, 'fail'],
      [7, 'fail'],
    ]);
    expect(progs[0]?.description).toBe('passes here; fails from patch 2/3');
    expect(progs[1]?.description).toMatch(/bpf_cookie\/perf_event/);

    // Only the last patch with a Patchwork id gets checks, and it is before the guilty
    // one: clearing it would show the failing series all green.
    const config = reportConfig();
    config.report.checks.patches = 'last';
    const s = series();
    const unknown = {
      ...s,
      patches: s.patches.map((p) => (p.index === 3 ? { ...p, patchworkId: null } : p)),
    };
    const lastOnly = renderChecks(
      buildReportContext(
        config,
        {
          runId: 1,
          series: unknown,
          verdict: { ...SCENARIOS['new-failure'], guiltyPatch: 3 } as never,
          runUrl: RUN_URL,
        },
        NOW,
      ),
    ).filter((c) => c.context === 'bpfci-test_progs-x86_64');
    expect(lastOnly.map((c) => [c.patchId, c.state])).toEqual([[6, 'fail']]);
  });

  it('refuses a run URL Patchwork would reject', () => {
    expect(() => targetUrl(`https://ci.example.org/${'x'.repeat(200)}`)).toThrow(/at most 200/);
    expect(() => targetUrl('javascript:alert(1)')).toThrow(/target_url/);
  });
});
