import { statfsSync } from 'node:fs';

export interface DiskState {
  freeBytes: number;
  minFreeBytes: number;
  low: boolean;
}

const GB = 1024 ** 3;

/** Free space (for an unprivileged user) on the filesystem that holds `dir`. */
export function diskState(dir: string, minFreeGb: number): DiskState {
  const st = statfsSync(dir);
  const freeBytes = Number(st.bavail) * Number(st.bsize);
  const minFreeBytes = Math.round(minFreeGb * GB);
  return { freeBytes, minFreeBytes, low: freeBytes < minFreeBytes };
}
