/** Shared helpers for the OS cataloger tests: fixture files into an in-memory root, then the runner. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cataloger } from '../../../src/catalog/cataloger.js';
import { runCatalogers, type CatalogResult } from '../../../src/catalog/run.js';
import { collectingLogger } from '../../../src/core/log.js';
import { createMemoryResolver, type MemoryFile } from '../../../src/source/index.js';
import { FIXTURES } from '../../helpers/paths.js';

export const OS_FIXTURES = join(FIXTURES, 'catalog', 'os');

/** A fixture file's contents. */
export function fixture(rel: string): Buffer {
  return readFileSync(join(OS_FIXTURES, rel));
}

/** Map image paths to fixture files: { '/var/lib/dpkg/status': 'dpkg/status' }. */
export function rootOf(map: Record<string, string>, extra: MemoryFile[] = []): MemoryFile[] {
  return [...Object.entries(map).map(([path, rel]) => ({ path, content: fixture(rel) })), ...extra];
}

/** Run catalogers over an in-memory root; returns the result and the warnings. */
export async function catalogRoot(catalogers: readonly Cataloger[], files: MemoryFile[]): Promise<CatalogResult> {
  const log = collectingLogger();
  return runCatalogers(createMemoryResolver(files), catalogers, { log });
}

/** JSON with sorted keys and a trailing newline, for golden files. */
export function stableJson(v: unknown): string {
  return `${JSON.stringify(
    v,
    (_k, x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
    2,
  )}\n`;
}
