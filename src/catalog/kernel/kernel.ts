/**
 * The Linux kernel and its modules, as syft's linux-kernel-cataloger reads them:
 * - a kernel image (`vmlinuz`, `bzImage`, `kernel`, …): the x86 boot protocol header
 *   (https://docs.kernel.org/arch/x86/boot.html: the `0xAA55` boot flag at 0x1FE, `HdrS` at 0x202, the
 *   `kernel_version` pointer at 0x20E, relative to 0x200) gives the version string
 *   `6.0.7-301.fc37.x86_64 (mockbuild@…) #1 SMP …`, whose first word is the version (the only image
 *   `file`'s magic, which syft uses, reads a version from); `linux-kernel`,
 *   `pkg:generic/linux-kernel@<version>` and the CPE `cpe:2.3:o:linux:linux_kernel:<version>:…` as syft
 *   writes them. Other images (ARM zImage, arm64 Image, ELF vmlinux) carry no version there and give
 *   nothing (a warning for one named vmlinuz or bzImage);
 * - a module (`lib/modules/**\/*.ko`, `*.ko.gz`): its ELF `.modinfo` section, `key=value` strings split by
 *   NULs: `name`, `version` (most in-tree modules have none), `license`, `vermagic` (its first word is the
 *   kernel version the module was built for), `srcversion`, `description`, `author`, `depends`;
 *   `pkg:generic/<name>[@<version>]` as syft writes it. A module without `vermagic` is no kernel module
 *   (a warning); a `.ko` that is no ELF file or has no `.modinfo` is incomplete.
 * A module `depends-on` the kernel packages of the version it was built for (syft: the kernel is a
 * `dependency-of` it). A kernel or module an OS package lists is that package's (its version and the distro's advisories are
 * the package's): both parsers take only files no OS package lists (onlyUnowned). syft reports them
 * again and relates them to the OS package by file overlap.
 */
import { gunzipSync } from 'node:zlib';
import type { CatalogContext, CatalogFile, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { bufferSource, readElf, sectionData, type ByteSource } from '../go/elf.js';
import { baseOf, langPackage, purlOrUndefined } from '../lang-common.js';
import type { Package, Relationship } from '../../sbom/model.js';

const CATALOGER = 'linux-kernel-cataloger';
/** The real-mode header is in the first 1 KiB; the version string in the first 32 KiB (setup sectors). */
const HEADER = 0x1000;
const MAX_VERSION_STRING = 512;
/** The largest modules (GPU drivers) inflate to a few tens of MB. */
const MAX_MODULE_BYTES = 128 * 1024 * 1024;
const MAX_MODINFO = 1024 * 1024;

export interface KernelImage {
  version: string;
  extendedVersion: string;
  format: 'bzImage' | 'zImage';
}

/** The x86 boot header's kernel version; undefined when the file is no x86 boot image; '' when it is one without a readable version. */
export function readX86KernelImage(src: ByteSource): KernelImage | undefined {
  const head = src.read(0, HEADER);
  if (head.length < 0x212 || head[0x1fe] !== 0x55 || head[0x1ff] !== 0xaa || head.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
  const ptr = head.readUInt16LE(0x20e);
  const format = (head[0x211]! & 1) === 1 ? 'bzImage' : 'zImage';
  if (ptr === 0) return { version: '', extendedVersion: '', format };
  const raw = src.read(0x200 + ptr, MAX_VERSION_STRING);
  const end = raw.indexOf(0);
  const text = raw.toString('latin1', 0, end < 0 ? raw.length : end);
  if (!/^[\x20-\x7e]+$/.test(text)) return { version: '', extendedVersion: '', format };
  return { version: text.split(' ')[0]!, extendedVersion: text, format };
}

/** The `cpe:2.3:o:linux:linux_kernel:<version>` CPE syft gives a kernel (formatted-string quoting). */
export function kernelCpe(version: string): string {
  return `cpe:2.3:o:linux:linux_kernel:${version.replace(/[^A-Za-z0-9._-]/g, (c) => `\\${c}`)}:*:*:*:*:*:*:*`;
}

export function parseLinuxKernelFile(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const image = readX86KernelImage(file.file);
  const base = baseOf(file.location.path);
  if (image === undefined) {
    if (/^(vmlinuz|bzImage)(-|$)/.test(base)) ctx.warn('not an x86 boot image (arm64 Image, compressed or ELF kernel): its version is not read', file.location);
    return { packages: [] };
  }
  if (image.version === '') {
    ctx.incomplete('an x86 boot image without a readable kernel version string');
    return { packages: [] };
  }
  const p = langPackage({
    name: 'linux-kernel',
    version: image.version,
    type: 'linux-kernel',
    purl: purlOrUndefined({ type: 'generic', name: 'linux-kernel', version: image.version }),
    location: file.location,
    foundBy: CATALOGER,
    metadata: { architecture: 'x86', format: image.format, extendedVersion: image.extendedVersion },
  });
  p.cpes = [kernelCpe(image.version)];
  return { packages: [p] };
}

/** `.modinfo`'s NUL-separated `key=value` strings (a key may repeat: `alias`, `parm`). */
export function parseModinfo(data: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const entry of data.subarray(0, MAX_MODINFO).toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    const list = out.get(key);
    if (list) list.push(entry.slice(eq + 1));
    else out.set(key, [entry.slice(eq + 1)]);
  }
  return out;
}

function modulePackage(src: ByteSource, file: { location: CatalogFile['location'] }, ctx: CatalogContext): ParseResult {
  const elf = readElf(src);
  if (elf === undefined) throw new Error('not an ELF kernel module');
  const data = sectionData(src, elf, '.modinfo');
  if (data === undefined) throw new Error('an ELF file without a .modinfo section (no kernel module)');
  const info = parseModinfo(data);
  const one = (k: string): string | undefined => info.get(k)?.[0];
  const vermagic = one('vermagic');
  const name = one('name') || baseOf(file.location.path).replace(/\.ko(\.gz)?$/, '');
  if (!vermagic) {
    ctx.warn(`module ${name}: .modinfo has no vermagic (not built for a kernel); not reported`, file.location);
    return { packages: [] };
  }
  const version = one('version') ?? '';
  const metadata: Record<string, unknown> = { kernelVersion: vermagic.trim().split(/\s+/)[0], versionMagic: vermagic, path: file.location.path };
  for (const [k, m] of [['srcversion', 'sourceVersion'], ['author', 'author']] as const) if (one(k)) metadata[m] = one(k);
  const depends = one('depends')?.split(',').filter((d) => d !== '');
  if (depends && depends.length > 0) metadata.depends = depends;
  const p: Package = langPackage({
    name,
    version,
    type: 'linux-kernel-module',
    purl: purlOrUndefined({ type: 'generic', name, version }),
    location: file.location,
    foundBy: CATALOGER,
    licenses: info.get('license') ?? [],
    description: one('description'),
    metadata,
  });
  return { packages: [p] };
}

export function parseLinuxKernelModule(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  return modulePackage(file.file, file, ctx);
}

export function parseCompressedKernelModule(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let raw: Buffer;
  try {
    raw = gunzipSync(file.contents, { maxOutputLength: MAX_MODULE_BYTES });
  } catch (err) {
    throw new Error(`module does not inflate (gzip, up to ${MAX_MODULE_BYTES} bytes): ${(err as Error).message}`, { cause: err });
  }
  return modulePackage(bufferSource(raw), file, ctx);
}

/**
 * A module `depends-on` every kernel package of the version its `vermagic` names (syft: the kernel is a
 * `dependency-of` the module; which of several such kernels loads it is not known, so each one).
 */
export function relateModulesToKernels(packages: readonly Package[]): Relationship[] {
  const kernels = new Map<string, Package[]>();
  for (const p of packages) if (p.type === 'linux-kernel') kernels.set(p.version, [...(kernels.get(p.version) ?? []), p]);
  const out: Relationship[] = [];
  for (const m of packages) {
    const v = m.type === 'linux-kernel-module' ? m.metadata?.kernelVersion : undefined;
    if (typeof v !== 'string') continue;
    for (const k of kernels.get(v) ?? []) out.push({ from: m.id, to: k.id, type: 'depends-on' });
  }
  return out;
}
