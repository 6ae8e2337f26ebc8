import { defineCataloger } from '../cataloger.js';
import { parseCompressedKernelModule, parseLinuxKernelFile, parseLinuxKernelModule, relateModulesToKernels } from './kernel.js';

/** syft's names for kernel images. */
const KERNEL_GLOBS = ['**/kernel', '**/kernel-*', '**/vmlinux', '**/vmlinux-*', '**/vmlinuz', '**/vmlinuz-*', '**/bzImage', '**/bzImage-*', '**/zImage', '**/zImage-*'];

/** The Linux kernel (x86 boot images) and its modules (`.modinfo`) that no OS package lists, as syft reads them. */
export const linuxKernelCataloger = defineCataloger({
  name: 'linux-kernel-cataloger',
  ecosystem: 'generic',
  tags: ['os', 'installed', 'image', 'directory', 'linux-kernel', 'kernel'],
  parsers: [
    { globs: KERNEL_GLOBS, randomAccess: true, onlyUnowned: true, parse: parseLinuxKernelFile },
    { globs: ['**/lib/modules/**/*.ko'], randomAccess: true, onlyUnowned: true, parse: parseLinuxKernelModule },
    { globs: ['**/lib/modules/**/*.ko.gz'], onlyUnowned: true, parse: parseCompressedKernelModule },
  ],
  relate: relateModulesToKernels,
});
