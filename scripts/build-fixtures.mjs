#!/usr/bin/env node
// Builds the small fixtures the unit/e2e tiers use (fixtures/generated/), from inputs in fixtures/.
// Each area adds a builder in scripts/fixtures/<area>.mjs and lists it here.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'fixtures', 'generated');
mkdirSync(out, { recursive: true });

const builders = ['vuln', 'vulndb', 'catalog-lang', 'catalog-binary', 'images', 'provenance', 'verify', 'rpm', 'scale'];
for (const b of builders) {
  const mod = await import(new URL(`./fixtures/${b}.mjs`, import.meta.url));
  await mod.build({ root, out });
}
