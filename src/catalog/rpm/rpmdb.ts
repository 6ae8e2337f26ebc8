/**
 * RPM's package database. rpm >= 4.16 keeps it in SQLite (`rpmdb.sqlite`, table `Packages(hnum, blob)`),
 * each blob an RPM header without its lead magic: be32 index count, be32 data size, 16-byte index
 * entries (tag, type, offset, count), then the data store
 * (https://rpm-software-management.github.io/rpm/manual/format_header.html).
 * This module deliberately imports better-sqlite3 (a boundary change recorded in the architecture test):
 * the bytes come from the resolver and are opened in memory, never from the host filesystem.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { lazyRequire } from '../../core/lazy.js';

const sqlite = lazyRequire<typeof BetterSqlite3>('better-sqlite3');
import { buildPurl } from '../../core/ecosystem.js';
import { normalizeLicense } from '../../core/license.js';
import { packageId } from '../../sbom/ids.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { distroQualifier } from '../os-release.js';

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  MODULARITYLABEL: 5096,
} as const;

const TYPE = { INT32: 4, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** Header limits: rpm itself caps headers at 256 MiB and 0xffff index entries... we are stricter. */
const MAX_INDEX = 0x10000;
const MAX_DATA = 64 * 1024 * 1024;

export type RpmHeader = Map<number, string | number>;

/** Parse one header blob: the first string / int32 of each tag. Throws on malformed bounds. */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new Error('rpm header shorter than 8 bytes');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il > MAX_INDEX || dl > MAX_DATA) throw new Error(`rpm header too large (${il} entries, ${dl} bytes)`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) throw new Error('rpm header truncated');
  const data = blob.subarray(dataStart, dataStart + dl);
  const out: RpmHeader = new Map();
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = blob.readUInt32BE(e);
    const type = blob.readUInt32BE(e + 4);
    const offset = blob.readUInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    if (out.has(tag) || offset >= dl || count === 0) continue;
    if (type === TYPE.STRING || type === TYPE.I18NSTRING || type === TYPE.STRING_ARRAY) {
      const end = data.indexOf(0, offset);
      if (end < 0) throw new Error(`rpm header tag ${tag}: unterminated string`);
      out.set(tag, data.subarray(offset, end).toString('utf8'));
    } else if (type === TYPE.INT32) {
      if (offset + 4 > dl) throw new Error(`rpm header tag ${tag}: int32 out of bounds`);
      out.set(tag, data.readInt32BE(offset));
    }
  }
  return out;
}

/** "glibc-2.34-100.el9.src.rpm" → "glibc" (name of the source RPM: drop version-release.arch.rpm). */
export function sourceRpmName(sourceRpm: string): string | undefined {
  const m = /^(.+)-[^-]+-[^-]+\.(?:src|nosrc)\.rpm$/.exec(sourceRpm);
  return m?.[1];
}

/** A package from a parsed header, or undefined for headers that are not installed packages. */
export function rpmPackage(h: RpmHeader, file: CatalogFile, ctx: CatalogContext): Package | undefined {
  const name = h.get(RPMTAG.NAME);
  const version = h.get(RPMTAG.VERSION);
  const release = h.get(RPMTAG.RELEASE);
  if (typeof name !== 'string' || name === '' || typeof version !== 'string' || version === '') return undefined;
  // Imported signing keys live in the rpmdb as pseudo-packages; they are not software.
  if (name === 'gpg-pubkey') return undefined;
  const epoch = h.get(RPMTAG.EPOCH);
  const arch = h.get(RPMTAG.ARCH);
  const sourceRpm = h.get(RPMTAG.SOURCERPM);
  const license = h.get(RPMTAG.LICENSE);
  const fullVersion = `${typeof epoch === 'number' && epoch > 0 ? `${epoch}:` : ''}${version}${typeof release === 'string' && release !== '' ? `-${release}` : ''}`;
  const purlVersion = `${version}${typeof release === 'string' && release !== '' ? `-${release}` : ''}`;
  const distro = distroQualifier(ctx.distro);
  const upstream = typeof sourceRpm === 'string' ? sourceRpm : undefined;
  const purl = buildPurl({
    type: 'rpm',
    namespace: ctx.distro?.id ?? 'redhat',
    name,
    version: purlVersion,
    qualifiers: {
      arch: typeof arch === 'string' ? arch : '',
      ...(typeof epoch === 'number' && epoch > 0 ? { epoch: String(epoch) } : {}),
      ...(distro ? { distro } : {}),
      ...(upstream ? { upstream } : {}),
    },
  });
  const metadata: Record<string, unknown> = { release: release ?? '' };
  if (typeof epoch === 'number') metadata.epoch = epoch;
  if (typeof arch === 'string') metadata.architecture = arch;
  if (upstream) {
    metadata.sourceRpm = upstream;
    const src = sourceRpmName(upstream);
    if (src) metadata.source = src;
  }
  const size = h.get(RPMTAG.SIZE);
  if (typeof size === 'number') metadata.size = size;
  const pkg: Package = {
    id: '',
    name,
    version: fullVersion,
    type: 'rpm',
    purl,
    licenses: typeof license === 'string' && license.trim() !== '' ? [normalizeLicense(license)] : [],
    locations: [{ ...file.location }],
    foundBy: ['rpm-db-cataloger'],
    metadata,
  };
  const summary = h.get(RPMTAG.SUMMARY);
  if (typeof summary === 'string' && summary !== '') pkg.description = summary;
  const vendor = h.get(RPMTAG.VENDOR);
  if (typeof vendor === 'string' && vendor !== '') pkg.supplier = vendor;
  pkg.id = packageId(pkg);
  return pkg;
}

/** SQLite files start with this 16-byte magic. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');

/** Read every header of an rpmdb.sqlite (opened in memory from its bytes). */
export function parseRpmSqlite(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length < 100 || !file.contents.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new Error('not an SQLite database');
  }
  // A database in WAL mode (header bytes 18/19 = 2) cannot be opened from memory; the image carries no
  // -wal file to replay anyway, so read it as a rollback-journal database (bytes set to 1) from a copy.
  const bytes = Buffer.from(file.contents);
  if (bytes[18] === 2) bytes[18] = 1;
  if (bytes[19] === 2) bytes[19] = 1;
  const Database = sqlite();
  const db = new Database(bytes, { readonly: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (table === undefined) throw new Error('no Packages table (not an rpmdb)');
    const packages: Package[] = [];
    for (const row of db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate()) {
      const { hnum, blob } = row as { hnum: number; blob: unknown };
      if (!Buffer.isBuffer(blob)) {
        ctx.warn(`rpm header ${hnum} is not a blob; skipped`, file.location);
        continue;
      }
      try {
        const pkg = rpmPackage(parseRpmHeader(blob), file, ctx);
        if (pkg) packages.push(pkg);
      } catch (err) {
        ctx.warn(`rpm header ${hnum} skipped: ${err instanceof Error ? err.message : String(err)}`, file.location);
      }
    }
    return { packages };
  } finally {
    db.close();
  }
}

/**
 * BerkeleyDB `Packages` (rpm < 4.16, e.g. CentOS 7/8, RHEL 8) and ndb `Packages.db` (SUSE) are not read:
 * say so clearly instead of reporting an image without RPMs.
 */
export function parseRpmLegacyDb(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const head = file.contents.subarray(0, 16);
  const kind = head.subarray(0, 4).toString('latin1') === 'RpmP' ? 'ndb' : 'BerkeleyDB';
  ctx.warn(
    `this image's rpm database is ${kind}, which custody does not read, so its RPM packages are not listed; ` +
      `run with --engine syft or --engine trivy (both read ${kind} rpmdbs), or rebuild the database as SQLite with \`rpmdb --rebuilddb\` (rpm >= 4.16)`,
    file.location,
  );
  return { packages: [] };
}
