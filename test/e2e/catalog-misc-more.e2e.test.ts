/**
 * `custody sbom generate dir:…` over a WordPress install (core version.php, plugins), a SWI-Prolog pack, macOS app bundles (XML
 * and binary Info.plist), GGUF models and an SBOM document (read with `--select +sbom`) (the peers' own fixtures): the purls reach CycloneDX JSON, and `sbom convert` to SPDX JSON, CycloneDX XML
 * and back keeps them and their package types.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPurlsKept, formatRoundTrip, plantPeerFixtures, typesOf } from '../helpers/format-round-trip.js';
import { runBuilt } from '../helpers/run-cli.js';
import { readFileSync } from 'node:fs';
import { FIXTURES } from '../helpers/paths.js';

let root: string;
let work: string;

/** Where each peer fixture goes in the tree, and the purls custody reports from it. */
const TREE: readonly { from: string; to: string; purls: string[]; unpurled?: string[] }[] = [
  { from: 'trivy/wordpress/version.php', to: 'var/www/html/wp-includes/version.php', purls: ['pkg:wordpress/core/wordpress@4.9.4-alpha'] },
  { from: 'syft/wordpress/wp-admin/index.php', to: 'var/www/html/wp-admin/index.php', purls: [] },
  { from: 'syft/wordpress/wp-content/plugins/akismet/akismet.php', to: 'var/www/html/wp-content/plugins/akismet/akismet.php', purls: ['pkg:wordpress/plugin/akismet@5.3'] },
  {
    from: 'syft/wordpress/wp-content/plugins/all-in-one-wp-migration/all-in-one-wp-migration.php',
    to: 'var/www/html/wp-content/plugins/all-in-one-wp-migration/all-in-one-wp-migration.php',
    purls: ['pkg:wordpress/plugin/all-in-one-wp-migration@7.78'],
  },
  { from: 'syft/swipl/pack.pl', to: 'home/user/.local/share/swi-prolog/pack/hdt/pack.pl', purls: ['pkg:swiplpack/hdt@0.5.2'] },
  // app bundles have no purl (no purl type exists; syft writes none either)
  { from: 'syft/apple/install-example/Applications/Slack.app/Contents/Info.plist', to: 'Applications/Slack.app/Contents/Info.plist', purls: [], unpurled: ['Slack@4.50.128'] },
  { from: '../apple/Ghostty-binary.plist', to: 'Applications/Ghostty.app/Contents/Info.plist', purls: [], unpurled: ['Ghostty@1.3.1'] },
  // nor do ML models
  { from: '../ai/llama3-8b.gguf', to: 'srv/models/llama3-8b.gguf', purls: [], unpurled: ['llama3-8b@3.0'] },
  { from: '../ai/tinyllama-q4.gguf', to: 'srv/models/tinyllama-q4.gguf', purls: [], unpurled: ['tinyllama-q4@'] },
];
/** An SBOM document in the tree: read only with `--select +sbom`. */
const EMBEDDED = { from: 'syft/sbom/sbom.syft.json', to: 'srv/app/sbom.syft.json' };
const embeddedPurls = (): string[] =>
  (JSON.parse(readFileSync(join(FIXTURES, 'catalog', 'peers', EMBEDDED.from), 'utf8')) as { artifacts: { purl: string }[] }).artifacts.map((a) => a.purl).sort();

/** The package types and catalogers the tree shows. */
const TYPES = ['wordpress', 'swiplpack', 'apple-app-bundle', 'model'];
/** Types without a purl: an SPDX document read back calls them unknown. */
const UNPURLED_TYPES = ['apple-app-bundle', 'model'];
const CATALOGERS = ['wordpress-core-cataloger', 'wordpress-plugins-cataloger', 'swipl-pack-cataloger', 'apple-app-bundle-cataloger', 'gguf-cataloger'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-misc-more-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-misc-more-out-'));
  plantPeerFixtures(root, [...TREE, EMBEDDED]);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: WordPress core and plugins, SWI-Prolog packs (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them and the package types', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const unpurled = TREE.flatMap((t) => t.unpurled ?? []).sort();
    const r = await formatRoundTrip(root, work);
    expectPurlsKept(r, want, unpurled);
    // custody's own JSON keeps the package types: from CycloneDX (custody:type) all of them; from SPDX those with a
    // purl (SPDX 2.3 says a package's kind only through its purl, and an app bundle has none)
    const fromCdx = await runBuilt(['sbom', 'convert', r.xmlFile, '-o', 'json']);
    expect(fromCdx.code, fromCdx.stderr).toBe(0);
    expect(typesOf(JSON.parse(fromCdx.stdout) as { packages: { type: string }[] })).toEqual([...TYPES].sort());
    expect(typesOf(r.model)).toEqual([...TYPES.filter((t) => !UNPURLED_TYPES.includes(t)), 'unknown'].sort());
    for (const c of CATALOGERS) expect(r.cdxText).toContain(c);
    expect(r.cdxText).not.toContain('sbom-cataloger');
  });

  it('--select +sbom adds the packages an SBOM document in the tree lists, located at it, through every format', async () => {
    const embedded = embeddedPurls();
    expect(embedded).toHaveLength(14);
    const want = [...TREE.flatMap((t) => t.purls), ...embedded].sort();
    const r = await formatRoundTrip(root, work, ['--select', '+sbom']);
    expectPurlsKept(r, want);
    expect([...new Set(r.model.packages.map((p) => p.type))].sort()).toEqual([...TYPES.filter((t) => !UNPURLED_TYPES.includes(t)), 'unknown', 'apk'].sort());
    const doc = JSON.parse(r.cdxText) as { components: { purl?: string; properties?: { name: string; value: string }[] }[] };
    const musl = doc.components.find((c) => c.purl?.startsWith('pkg:apk/alpine/musl@'));
    expect(musl?.properties).toEqual(expect.arrayContaining([{ name: 'custody:location:0:path', value: '/srv/app/sbom.syft.json' }, { name: 'custody:foundBy', value: 'sbom-cataloger' }]));
  });
});
