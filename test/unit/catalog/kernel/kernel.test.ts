import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dpkgDbCataloger } from '../../../../src/catalog/debian/index.js';
import { bufferSource } from '../../../../src/catalog/go/elf.js';
import { linuxKernelCataloger } from '../../../../src/catalog/kernel/index.js';
import { kernelCpe, parseCompressedKernelModule, parseLinuxKernelFile, parseLinuxKernelModule, readX86KernelImage } from '../../../../src/catalog/kernel/kernel.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const debian = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'kernel', 'debian', f));
const K = '6.1.0-57-cloud-amd64';

describe('linux-kernel-cataloger', () => {
  it("Debian's kernel and modules (plain and .ko.gz): version from the x86 boot header, modules from .modinfo, depending on their kernel", async () => {
    const r = await catalogFiles([linuxKernelCataloger], [
      { path: `/boot/vmlinuz-${K}`, content: debian(`vmlinuz-${K}.head`) },
      { path: `/lib/modules/${K}/kernel/lib/crc7.ko`, content: debian('crc7.ko') },
      { path: `/lib/modules/${K}/kernel/drivers/char/hangcheck-timer.ko`, content: debian('hangcheck-timer.ko') },
      { path: `/lib/modules/${K}/kernel/net/ipv4/tcp_illinois.ko.gz`, content: debian('tcp_illinois.ko.gz') },
    ]);
    expect(r.incomplete).toEqual([]);
    expect(r.packages.map((p) => [p.type, p.purl])).toEqual([
      ['linux-kernel', `pkg:generic/linux-kernel@${K}`],
      ['linux-kernel-module', 'pkg:generic/crc7'],
      ['linux-kernel-module', 'pkg:generic/hangcheck_timer@0.9.1'],
      ['linux-kernel-module', 'pkg:generic/tcp_illinois@1.0'],
    ]);
    const [kernel, crc7] = r.packages;
    expect(kernel).toMatchObject({
      name: 'linux-kernel',
      version: K,
      cpes: [`cpe:2.3:o:linux:linux_kernel:${K}:*:*:*:*:*:*:*`],
      metadata: { architecture: 'x86', format: 'bzImage', extendedVersion: `${K} (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)` },
      foundBy: ['linux-kernel-cataloger'],
    });
    expect(crc7).toMatchObject({ name: 'crc7', version: '', licenses: ['GPL'], description: 'CRC7 calculations', metadata: { kernelVersion: K, versionMagic: `${K} SMP preempt mod_unload modversions `, path: `/lib/modules/${K}/kernel/lib/crc7.ko` } });
    // each module depends on the kernel of the version it was built for (syft: the kernel is a dependency-of it)
    const label = (id: string): string => r.packages.find((p) => p.id === id)!.name;
    expect(r.relationships.map((x) => `${label(x.from)} ${x.type} ${label(x.to)}`).sort()).toEqual(['crc7 depends-on linux-kernel', 'hangcheck_timer depends-on linux-kernel', 'tcp_illinois depends-on linux-kernel']);
    expect(kernelCpe('5.10.0+rt')).toBe('cpe:2.3:o:linux:linux_kernel:5.10.0\\+rt:*:*:*:*:*:*:*');
  });

  it('a kernel or module an OS package lists is the package (not reported again); syft reports both', async () => {
    const list = `/boot\n/boot/vmlinuz-${K}\n/lib/modules/${K}/kernel/lib/crc7.ko\n`;
    const status = `Package: linux-image-${K}\nStatus: install ok installed\nVersion: 6.1.192-3\nArchitecture: amd64\n\n`;
    const r = await catalogFiles([dpkgDbCataloger, linuxKernelCataloger], [
      { path: `/boot/vmlinuz-${K}`, content: debian(`vmlinuz-${K}.head`) },
      { path: `/lib/modules/${K}/kernel/lib/crc7.ko`, content: debian('crc7.ko') },
      { path: `/lib/modules/${K}/updates/dkms/hangcheck-timer.ko`, content: debian('hangcheck-timer.ko') },
      { path: '/var/lib/dpkg/status', content: Buffer.from(status) },
      { path: `/var/lib/dpkg/info/linux-image-${K}.list`, content: Buffer.from(list) },
    ]);
    // the module no package lists (built by DKMS, say) is reported
    expect(r.packages.map((p) => `${p.type} ${p.name}`)).toEqual([`deb linux-image-${K}`, 'linux-kernel-module hangcheck_timer']);
    // its kernel is the OS package's: no kernel package to relate it to
    expect(r.relationships).toEqual([]);
  });

  it('not a kernel: nothing (a warning for a vmlinuz); a boot header without a version string, or a .ko that is no module, is incomplete', async () => {
    const head = Buffer.from(debian(`vmlinuz-${K}.head`));
    head.writeUInt16LE(0, 0x20e);
    const r = await catalogFiles([linuxKernelCataloger], [
      { path: '/usr/lib/python3/dist-packages/kernel-tools', content: Buffer.from('#!/bin/sh\n') },
      { path: '/boot/vmlinuz-6.1.0-arm64', content: Buffer.from('MZ@\0\0\0\0\0ARMd') },
      { path: '/boot/vmlinuz-noversion', content: head },
      { path: '/lib/modules/x/kernel/a.ko', content: Buffer.from('not elf') },
      { path: '/lib/modules/x/kernel/b.ko.gz', content: Buffer.from('not gzip') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/boot/vmlinuz-noversion', '/lib/modules/x/kernel/a.ko', '/lib/modules/x/kernel/b.ko.gz']);
    expect(r.warnings.join('\n')).toMatch(/vmlinuz-6\.1\.0-arm64: not an x86 boot image/);
    expect(readX86KernelImage(bufferSource(Buffer.alloc(0)))).toBeUndefined();
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (f: () => { packages: unknown[] }): void => {
      try {
        expect(Array.isArray(f().packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    const header = debian(`vmlinuz-${K}.head`);
    const ko = debian('hangcheck-timer.ko');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (bytes, at) => {
        for (const base of [header, ko]) {
          const b = Buffer.from(base);
          Buffer.from(bytes).copy(b, at % b.length);
          const file = { location: { path: '/lib/modules/x/vmlinuz-x.ko' }, file: bufferSource(b) };
          run(() => parseLinuxKernelFile(file, ctx));
          run(() => parseLinuxKernelModule(file, ctx));
          run(() => parseLinuxKernelModule({ ...file, file: bufferSource(b.subarray(0, at % b.length)) }, ctx));
        }
        run(() => parseCompressedKernelModule({ location: { path: '/m.ko.gz' }, contents: Buffer.from(bytes) }, ctx));
      }),
      { numRuns: 300 },
    );
  });
});
