/**
 * Load a CommonJS dependency on first use instead of at start-up. For libraries that only one rarely
 * taken path needs (the YAML lock-file parsers, rpm's SQLite reader): `custody sbom generate` on an image
 * without such files never pays for loading them. Synchronous, so the callers stay synchronous.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromHere(id) as T);
}
