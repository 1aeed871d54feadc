import { describe, expect, it } from 'vitest';
import { sameTypes } from '../../../src/pipeline/build/vmlinux-header.js';

// Shaped like two real 6.1 dumps of one tree relinked (pahole -j): the same types in
// another order, duplicate anonymous enum names renumbered, forward declarations moved.
const BASE = [
  '#ifndef __VMLINUX_H__\n#define __VMLINUX_H__',
  'struct clocksource;',
  'enum {\n\tOpt_err___3 = 0,\n\tOpt_enc = 1,\n};',
  'struct task_struct {\n\tint pid;\n\tlong state;\n};',
  'typedef int __s32;',
  '#endif /* __VMLINUX_H__ */\n',
].join('\n\n');
const RELINKED = [
  '#ifndef __VMLINUX_H__\n#define __VMLINUX_H__',
  'typedef int __s32;',
  'struct selinux_state;',
  'struct task_struct {\n\tint pid;\n\tlong state;\n};',
  'enum {\n\tOpt_err___2 = 0,\n\tOpt_enc = 1,\n};',
  '#endif /* __VMLINUX_H__ */\n',
].join('\n\n');

describe('sameTypes', () => {
  it('sees through the order, ___N suffixes and forward declarations pahole -j changes', () => {
    expect(sameTypes(BASE, RELINKED)).toBe(true);
  });

  it('sees a member added, a member reordered and a new type', () => {
    const task = 'struct task_struct {\n\tint pid;\n\tlong state;\n};';
    expect(
      sameTypes(BASE, BASE.replace(task, task.replace('long state;', 'long state;\n\tint cpu;'))),
    ).toBe(false);
    expect(
      sameTypes(BASE, BASE.replace(task, 'struct task_struct {\n\tlong state;\n\tint pid;\n};')),
    ).toBe(false);
    expect(sameTypes(BASE, `${BASE}\n\nstruct bpf_prog {\n\tint len;\n};`)).toBe(false);
  });
});
