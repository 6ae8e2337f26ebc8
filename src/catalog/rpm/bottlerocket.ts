/**
 * Bottlerocket's application inventory, `usr/share/bottlerocket/application-inventory.json` (in an
 * image under `<arch>-bottlerocket-linux-gnu/sys-root/`, as trivy's bottlerocket-inventory analyzer
 * reads it): the RPMs the OS was built from, `{"Content": [{Name, Version, Release, Epoch,
 * Architecture, Publisher, Summary, ...}]}`. Epoch is a string and absent in older releases (1.19.x);
 * "0" or none is no epoch. Reported as rpm packages in the `bottlerocket` namespace.
 */
import type { LinuxRelease, Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { RPMDB_MAX_ENTRIES } from './backend.js';
import { rpmPackageOf } from './package.js';

export const BOTTLEROCKET_INVENTORY_GLOBS = [
  '/x86_64-bottlerocket-linux-gnu/sys-root/usr/share/bottlerocket/application-inventory.json',
  '/aarch64-bottlerocket-linux-gnu/sys-root/usr/share/bottlerocket/application-inventory.json',
  '/usr/share/bottlerocket/application-inventory.json',
];

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseBottlerocketInventory(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(file.contents.toString('utf8'));
  } catch {
    ctx.incomplete('Bottlerocket application inventory: not JSON');
    return { packages: [] };
  }
  const content = doc !== null && typeof doc === 'object' ? (doc as { Content?: unknown }).Content : undefined;
  if (!Array.isArray(content)) {
    ctx.incomplete('Bottlerocket application inventory: no "Content" list');
    return { packages: [] };
  }
  // the image's own os-release when it says Bottlerocket, else the namespace alone
  const distro: LinuxRelease = ctx.distro?.id === 'bottlerocket' ? ctx.distro : { id: 'bottlerocket' };
  const packages: Package[] = [];
  const bad: string[] = [];
  for (const [i, e] of content.entries()) {
    if (packages.length >= RPMDB_MAX_ENTRIES) {
      ctx.incomplete(`Bottlerocket application inventory: more than ${RPMDB_MAX_ENTRIES} entries; the rest is not read`);
      break;
    }
    const o = e !== null && typeof e === 'object' ? (e as Record<string, unknown>) : {};
    const name = str(o.Name);
    const version = str(o.Version);
    const release = str(o.Release);
    const epochText = str(o.Epoch) ?? '';
    if (name === undefined || name === '' || /\s/.test(name) || version === undefined || version === '' || /\s/.test(version)) {
      bad.push(`entry ${i + 1}: no name or version`);
      continue;
    }
    if (epochText !== '' && !/^\d{1,9}$/.test(epochText)) {
      bad.push(`entry ${i + 1}: epoch ${JSON.stringify(epochText.slice(0, 20))} is not a number`);
      continue;
    }
    const epoch = epochText === '' || Number(epochText) === 0 ? undefined : Number(epochText);
    const pkg = rpmPackageOf(
      { name, version, release: release || undefined, epoch, arch: str(o.Architecture), summary: str(o.Summary), vendor: str(o.Publisher) },
      file.location,
      distro,
    );
    packages.push(pkg);
  }
  if (bad.length > 0) ctx.incomplete(`Bottlerocket application inventory: ${bad.length} entr${bad.length === 1 ? 'y' : 'ies'} not read (${bad.slice(0, 5).join('; ')}${bad.length > 5 ? '; …' : ''})`);
  return { packages };
}
