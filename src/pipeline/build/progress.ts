import { parseCompileLine } from './log-parse.js';

export interface BuildProgress {
  stage: string;
  compiled: number;
}

/** kbuild lines that mark the slow tail of a kernel build (link, BTF, kallsyms, image). */
const STAGES: [RegExp, string][] = [
  [/^\s{2}(LD|AR)\s+vmlinux/, 'link'],
  [/^\s{2}BTF(IDS)?\s/, 'btf'],
  [/^\s{2}KSYMS\s/, 'kallsyms'],
  [/^\s{2}(BUILD|OBJCOPY)\s+arch\/\S+\/boot/, 'image'],
  [/^\s{2}MODPOST\s/, 'modules'],
  [/^\s{2}(CLNG-BPF|GEN-SKEL)\s/, 'bpf-objects'],
  [/^\s{2}BINARY\s/, 'link'],
];

/** A line handler for runCommand's onLine that reports stage changes and every compile. */
export function progressTracker(
  initialStage: string,
  onProgress?: (p: BuildProgress) => void,
): { onLine: (line: string) => void; current: () => BuildProgress } {
  const state: BuildProgress = { stage: initialStage, compiled: 0 };
  const onLine = (line: string): void => {
    let changed = false;
    const step = parseCompileLine(line);
    if (step && step.tool !== 'HOSTCC') {
      state.compiled++;
      changed = true;
    }
    for (const [re, stage] of STAGES) {
      if (re.test(line) && state.stage !== stage) {
        state.stage = stage;
        changed = true;
      }
    }
    if (changed) onProgress?.({ ...state });
  };
  return { onLine, current: () => ({ ...state }) };
}
