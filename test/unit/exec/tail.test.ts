import { describe, expect, it } from 'vitest';
import { TailBuffer } from '../../../src/exec/tail.js';

describe('TailBuffer', () => {
  it('keeps only the last bytes', () => {
    const t = new TailBuffer(10);
    let all = '';
    for (let i = 0; i < 100; i++) {
      t.push(Buffer.from(`line${i}\n`));
      all += `line${i}\n`;
    }
    expect(t.toString()).toBe(all.slice(-10));
  });

  it('returns everything when under the limit', () => {
    const t = new TailBuffer(100);
    t.push(Buffer.from('ab'));
    t.push(Buffer.from('cd'));
    expect(t.toString()).toBe('abcd');
  });
});
