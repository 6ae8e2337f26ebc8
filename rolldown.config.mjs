// The CLI as a few ES modules instead of ~200: tsc's dist/ stays (types, scripts, the library API),
// and this bundles our own code on top of it into dist/bundle/ (bin/custody.js runs that). Loading one
// chunk instead of resolving, reading and linking every module saves ~0.2 s of start-up per command.
// Dependencies stay external (node_modules, native addons, their own lazy requires); dynamic
// import()s stay chunks, so each command still loads only what it runs. The query worker is an entry
// of its own: scan.ts finds it beside itself (new URL('./scan-worker.js', import.meta.url)).
import { defineConfig } from 'rolldown';

/**
 * Pure-JavaScript dependencies on the hot paths (generate, query) that are bundled too, with what they
 * import. Everything else stays external: native addons (better-sqlite3), packages that find files
 * beside themselves (the CycloneDX library's root, whose validators read its schemas; ajv; sigstore's
 * TUF seeds) and those only one command loads anyway.
 */
const BUNDLED = [
  '@cyclonedx/cyclonedx-library/Enums',
  '@cyclonedx/cyclonedx-library/Models',
  '@cyclonedx/cyclonedx-library/Serialize',
  '@cyclonedx/cyclonedx-library/SPDX',
  '@cyclonedx/cyclonedx-library/Spec',
  '@cyclonedx/cyclonedx-library/Types',
  'xmlbuilder2',
  '@oozcitak/dom',
  '@oozcitak/infra',
  '@oozcitak/url',
  '@oozcitak/util',
  'js-yaml',
  'argparse',
  'packageurl-js',
  'commander',
  'chalk',
  'spdx-expression-parse',
  'spdx-correct',
  'spdx-exceptions',
  'spdx-license-ids',
  'yauzl',
  'buffer-crc32',
  'pend',
  'picomatch',
];

const isPackage = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('#') && !/^[A-Za-z]:/.test(id) && !id.startsWith('\0');

export default defineConfig({
  input: { main: 'dist/cli/main.js', 'scan-worker': 'dist/query/scan-worker.js' },
  platform: 'node',
  external: (id) => isPackage(id) && !BUNDLED.some((p) => id === p || id.startsWith(`${p}/`)),
  output: { dir: 'dist/bundle', format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true },
});
