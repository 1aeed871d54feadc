import type { BuildProgress } from '../pipeline/build/progress.js';

/**
 * Build progress for a human: on a TTY one status line rewritten in place
 * (stage, elapsed time, objects compiled), at most every 200 ms; elsewhere
 * (a log file, CI) one line per stage change only.
 */
export function progressPrinter(
  out: NodeJS.WriteStream,
  now: () => number = Date.now,
): (p: BuildProgress) => void {
  const started = now();
  let lastStage = '';
  let lastDraw = 0;
  return (p) => {
    const elapsed = ((now() - started) / 1000).toFixed(0);
    const text = `[${p.stage}] ${elapsed}s, ${p.compiled} compiled`;
    if (out.isTTY) {
      if (p.stage === lastStage && now() - lastDraw < 200) return;
      lastDraw = now();
      out.write(`\r\x1b[K${text}`);
    } else if (p.stage !== lastStage) {
      out.write(`${text}\n`);
    }
    lastStage = p.stage;
  };
}
