import { describe, expect, it } from 'vitest';
import { isLocalUpstream, mirrorPath } from '../../../src/trees/tree-config.js';

describe('tree mirrors', () => {
  it('tells local paths from URLs', () => {
    expect(isLocalUpstream('/var/cache/bpfci/linux-6.1')).toBe(true);
    expect(isLocalUpstream('../linux')).toBe(true);
    expect(isLocalUpstream('file:///srv/linux.git')).toBe(true);
    expect(isLocalUpstream('https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf.git')).toBe(
      false,
    );
    expect(isLocalUpstream('git://127.0.0.1:9418/x.git')).toBe(false);
  });

  it('names one mirror per upstream, readable and collision-free', () => {
    const bpf = mirrorPath('/s', 'https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf.git');
    const next = mirrorPath(
      '/s',
      'https://git.kernel.org/pub/scm/linux/kernel/git/bpf/bpf-next.git',
    );
    expect(bpf).toMatch(/^\/s\/mirrors\/bpf-[0-9a-f]{10}\.git$/);
    expect(next).toMatch(/^\/s\/mirrors\/bpf-next-[0-9a-f]{10}\.git$/);
    const a = mirrorPath('/s', 'https://a.example/linux.git');
    const b = mirrorPath('/s', 'https://b.example/linux.git');
    expect(a).not.toBe(b);
  });
});
