import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/**
 * Tools the 6.1 selftests run from the guest root (kernel-lab.md §5.4): ping for the
 * cgroup, netcnt, tc_redirect and tunnel tests, keyctl for verify_pkcs7_sig, ethtool and
 * iptables for xdp_synproxy. The guest root is the host root, so looking on the host is
 * looking in the guest. A missing one is infrastructure, never the series' failure.
 */
export const GUEST_TOOLS = ['ping', 'keyctl', 'ethtool', 'iptables', 'ip'];
const GUEST_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function missingGuestTools(tools = GUEST_TOOLS): string[] {
  return tools.filter((tool) => !GUEST_PATH.some((dir) => executable(join(dir, tool))));
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
