import { describe, expect, it } from 'vitest';
import { unquoted } from '../../../src/mail/body.js';
import { parseSeriesMeta, parseTrailers } from '../../../src/mail/trailers.js';

describe('parseTrailers', () => {
  it('reads known trailers with canonical names and skips quoted ones', () => {
    const body = [
      '> Signed-off-by: Alice <alice@example.com>',
      'Looks good.',
      '',
      'reviewed-by: Bob Maintainer <bob@example.org>',
      'Acked-by: Carol <carol@example.net>',
      'Tested-by: nobody',
      'Fixes: e0ec660ba138 ("bpf: toy")',
      'Fixes: not-a-sha',
      'Random-tag: x',
    ].join('\n');
    expect(parseTrailers(unquoted(body))).toEqual([
      { name: 'Reviewed-by', value: 'Bob Maintainer <bob@example.org>' },
      { name: 'Acked-by', value: 'Carol <carol@example.net>' },
      { name: 'Fixes', value: 'e0ec660ba138 ("bpf: toy")' },
    ]);
  });

  it('stops at the diff so a patch adding such a line is not read as a trailer', () => {
    const body = 'msg\n\nSigned-off-by: A <a@x>\n---\ndiff --git a/f b/f\nReviewed-by: Z <z@x>\n';
    expect(parseTrailers(body)).toEqual([{ name: 'Signed-off-by', value: 'A <a@x>' }]);
  });
});

describe('parseSeriesMeta', () => {
  it('reads the b4 / format-patch --base footer', () => {
    const body = [
      'base-commit: E0EC660BA138BC4D0EB592C0FC4FBCD3F1DC1C1C',
      'change-id: 20240502-toy-size-1a2b3c4d5e6f',
      `prerequisite-patch-id: ${'ab'.repeat(20)}`,
      'prerequisite-message-id: <dep@x>',
      'base-commit: ffffffff',
    ].join('\n');
    expect(parseSeriesMeta(body)).toEqual({
      baseCommit: 'e0ec660ba138bc4d0eb592c0fc4fbcd3f1dc1c1c',
      changeId: '20240502-toy-size-1a2b3c4d5e6f',
      prerequisitePatchIds: ['ab'.repeat(20)],
      prerequisiteChangeIds: [],
      prerequisiteMessageIds: ['dep@x'],
    });
  });

  it('ignores a base-commit that is not a hash', () => {
    expect(parseSeriesMeta('base-commit: main').baseCommit).toBeUndefined();
  });
});
