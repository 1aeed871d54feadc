import { describe, expect, it } from 'vitest';
import { mailCommands } from '../../../src/mail/commands.js';

describe('mail commands', () => {
  it('reads `bpfci: <command>` on a line of its own, case-insensitive', () => {
    expect(mailCommands('Looks like a flake.\n\nbpfci: retest\n\nThanks\n')).toEqual(['retest']);
    expect(mailCommands('  BPFCI:  Retest  \n')).toEqual(['retest']);
  });

  it('never reads a quoted line, or a command inside a sentence', () => {
    expect(mailCommands('> bpfci: retest\n>> bpfci: retest\n')).toEqual([]);
    expect(mailCommands('please bpfci: retest this\n')).toEqual([]);
    expect(mailCommands('bpfci: retest now please\n')).toEqual([]);
  });

  it('returns unknown words too (the daemon logs them), each once', () => {
    expect(mailCommands('bpfci: frobnicate\nbpfci: retest\nbpfci: retest\n')).toEqual([
      'frobnicate',
      'retest',
    ]);
  });
});
