/**
 * The rpm manifest of CBL-Mariner / Azure Linux distroless images, `/var/lib/rpmmanifest/container-manifest-2`:
 * what the image build wrote with `rpm -qa --qf` in place of an rpm database, one package a line, ten
 * tab-separated fields: NAME, VERSION-RELEASE, INSTALLTIME, BUILDTIME, VENDOR, EPOCH ("(none)" when
 * the package has none, or always: some builders write it literally), SIZE, ARCH, EPOCHNUM (0 for none),
 * SOURCERPM (syft's parseRpmManifest, trivy's rpmqa analyzer).
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { RPMDB_MAX_ENTRIES } from './backend.js';
import { rpmPackageOf } from './package.js';

export const RPM_MANIFEST_GLOB = '/var/lib/rpmmanifest/container-manifest-2';

/** A line of the manifest as fields, or why it is not one. */
function manifestFields(line: string): { name: string; version: string; release: string; epoch?: number; vendor?: string; size?: number; arch: string; sourceRpm: string } | string {
  const f = line.split('\t');
  if (f.length !== 10) return `${f.length} tab-separated fields, not 10`;
  const [name, verRel, , , vendor, epochField, size, arch, epochNum, sourceRpm] = f as [string, string, string, string, string, string, string, string, string, string];
  if (name === '' || /\s/.test(name)) return 'no package name';
  // neither an rpm version nor its release may hold a '-'
  const vr = verRel.split('-');
  if (vr.length !== 2 || vr[0] === '' || vr[1] === '') return `version-release ${JSON.stringify(verRel.slice(0, 100))} is not one version and one release`;
  let epoch: number | undefined;
  if (epochField !== '(none)') {
    if (!/^\d{1,9}$/.test(epochNum)) return `epoch ${JSON.stringify(epochNum.slice(0, 20))} is not a number`;
    epoch = Number(epochNum);
  } else if (/^\d{1,9}$/.test(epochNum) && Number(epochNum) > 0) {
    // Azure Linux's image builders write a literal "(none)" for EPOCH and the epoch in EPOCHNUM (as trivy reads it)
    epoch = Number(epochNum);
  }
  return {
    name,
    version: vr[0]!,
    release: vr[1]!,
    ...(epoch !== undefined ? { epoch } : {}),
    ...(vendor !== '' && vendor !== '(none)' ? { vendor } : {}),
    ...(/^\d{1,15}$/.test(size) ? { size: Number(size) } : {}),
    arch: arch === '(none)' ? '' : arch,
    sourceRpm: sourceRpm === '(none)' ? '' : sourceRpm,
  };
}

export function parseRpmManifest(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  const bad: string[] = [];
  let lineNo = 0;
  for (const raw of file.contents.toString('utf8').split('\n')) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (packages.length >= RPMDB_MAX_ENTRIES) {
      ctx.incomplete(`rpm manifest: more than ${RPMDB_MAX_ENTRIES} packages; the rest is not read`);
      break;
    }
    const f = manifestFields(line);
    if (typeof f === 'string') {
      bad.push(`line ${lineNo}: ${f}`);
      continue;
    }
    if (f.name === 'gpg-pubkey') continue;
    packages.push(rpmPackageOf(f, file.location, ctx.distro));
  }
  if (bad.length > 0) ctx.incomplete(`rpm manifest: ${bad.length} line(s) not read (${bad.slice(0, 5).join('; ')}${bad.length > 5 ? '; …' : ''})`);
  return { packages };
}
