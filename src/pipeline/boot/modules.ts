import { basename } from 'node:path';

/**
 * Kernel modules a modular kernel (Debian's linux-image-amd64: 9p, 9pnet_virtio and
 * virtio_pci are =m) needs before it can mount the host root over 9p, in load order,
 * from modules.dep: `kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko`.
 */
export const ROOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];

const KO = /\.ko(\.(xz|zst|gz))?$/;

export function moduleName(path: string): string {
  return basename(path).replace(KO, '').replace(/-/g, '_');
}

export function moduleLoadOrder(modulesDep: string, wanted: string[]): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of modulesDep.split('\n')) {
    const [path, rest] = line.split(':');
    if (!path || rest === undefined) continue;
    deps.set(path, rest.trim().split(/\s+/).filter(Boolean));
    byName.set(moduleName(path), path);
  }
  const order: string[] = [];
  const visit = (path: string, stack: Set<string>): void => {
    if (order.includes(path) || stack.has(path)) return;
    stack.add(path);
    // modules.dep already lists the whole closure; visiting recursively orders it.
    for (const dep of deps.get(path) ?? []) visit(dep, stack);
    stack.delete(path);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name.replace(/-/g, '_'));
    if (path) visit(path, new Set());
  }
  return order;
}
