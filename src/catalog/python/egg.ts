/**
 * Zipped Python eggs (`*.egg`, https://setuptools.pypa.io/en/latest/deprecated/python_eggs.html):
 * a zip whose `EGG-INFO/PKG-INFO` holds the core metadata (some hold a `<name>.egg-info/PKG-INFO`
 * instead, which trivy also reads). Only the central directory and that one small entry are read,
 * within the same bounds as Java archives (entry count, metadata size, declared sizes checked while
 * inflating). The package's location is the egg file.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { listEntries, MAX_ZIP_ENTRIES, openZip, readEntry } from '../zip.js';
import { metadataPackages } from './metadata.js';

/** PKG-INFO larger than this is not read (real ones are a few KiB). */
const MAX_PKG_INFO_BYTES = 1024 * 1024;

const EGG_INFO = /^(?:EGG-INFO|[^/]+\.egg-info)\/PKG-INFO$/;

export const PYTHON_EGG_GLOBS = ['**/*.egg'];

/** One zipped egg → its package. Throws (the file is then incomplete) when the zip cannot be read. */
export async function parseEggArchive(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  let zip;
  try {
    zip = await openZip(file.contents);
  } catch (err) {
    throw new Error(`not a readable zip archive (${(err as Error).message})`, { cause: err });
  }
  try {
    const { entries, truncated } = await listEntries(zip);
    // EGG-INFO/ first: it is the egg's own metadata, a bundled *.egg-info/ may describe something else
    const info = entries.find((e) => e.fileName === 'EGG-INFO/PKG-INFO') ?? entries.find((e) => EGG_INFO.test(e.fileName));
    if (!info) {
      ctx.incomplete(truncated ? `more than ${MAX_ZIP_ENTRIES} entries and no EGG-INFO/PKG-INFO among them; not identified` : 'egg without EGG-INFO/PKG-INFO; not identified', file.location);
      return { packages: [] };
    }
    if (info.uncompressedSize > MAX_PKG_INFO_BYTES) {
      ctx.incomplete(`${info.fileName} is ${info.uncompressedSize} bytes, over ${MAX_PKG_INFO_BYTES}; not read`, file.location);
      return { packages: [] };
    }
    const data = await readEntry(zip, info, MAX_PKG_INFO_BYTES);
    return metadataPackages(data.toString('utf8'), file.location, ctx);
  } finally {
    zip.close();
  }
}
