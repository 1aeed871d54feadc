import type { MatrixKernel } from '../../config/sections/matrix.js';
import type { AppContext } from '../../context.js';
import { prepareFromRef } from './from-ref.js';
import { preparePrebuilt } from './prebuilt.js';

/** An older kernel ready for a series' selftests: what to boot and what to build against. */
export interface OlderKernel {
  name: string;
  image: string;
  /** `uname -r`: picks its version deny lists (blacklists/DENYLIST-<major.minor>). */
  release: string;
  /** An ELF vmlinux with .BTF: the selftests' VMLINUX_BTF. */
  vmlinux: string;
  /** KDIR for bpf_testmod: a kernel build dir with `vmlinux` in it. */
  moduleBuildDir: string;
  /** The guest's 9p/virtio modules, when not /lib/modules/<release>. */
  modulesDir?: string;
  /** What its baseline depends on: the image and BTF contents, or the built commit. */
  identity: string;
  /** A ref kernel's commit, in its tree's mirror (`fixed-by:` entries expire by it). */
  commit?: { repo: string; sha: string };
}

/** Prepares a configured older kernel (cached; cheap once made). */
export function prepareOlderKernel(ctx: AppContext, k: MatrixKernel): Promise<OlderKernel> {
  return k.image ? preparePrebuilt(ctx, k) : prepareFromRef(ctx, k);
}
