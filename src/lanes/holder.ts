import { readFileSync } from 'node:fs';

/** Who holds a lane: enough to tell a live holder from a dead one after a crash. */
export interface Holder {
  pid: number;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  start: string;
  bootId: string;
}

export function currentHolder(): Holder {
  return { pid: process.pid, start: startTime(process.pid) ?? '', bootId: bootId() };
}

/**
 * A holder is alive when a process with its pid exists *and* started at the same
 * time on the same boot: a pid reused by an unrelated process after a crash or a
 * reboot does not keep the lane locked.
 */
export function holderAlive(h: Holder): boolean {
  if (h.bootId !== bootId()) return false;
  const start = startTime(h.pid);
  return start !== undefined && start === h.start;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
