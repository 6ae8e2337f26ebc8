/**
 * `custody sbom generate dir:…` over the manifests and lock files of Julia, conda environments, Haskell and
 * OCaml (the peers' own fixtures): the purls reach CycloneDX JSON, and `sbom convert` to SPDX JSON, CycloneDX
 * XML and back keeps them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPurlsKept, formatRoundTrip, plantPeerFixtures } from '../helpers/format-round-trip.js';

let root: string;
let work: string;

/** Where each peer fixture goes in the tree, and the purls custody reports from it. */
const TREE: readonly { from: string; to: string; purls: string[] }[] = [
  {
    from: 'trivy/julia/analyzer/happy/Manifest.toml',
    to: 'srv/julia-app/Manifest.toml',
    purls: [
      'pkg:julia/Dates@1.9.0?uuid=ade2ca70-3891-5945-98fb-dc099432e06a',
      'pkg:julia/DevDep@1.0.0?uuid=d9a60922-03b4-4a1b-81be-b8d05b827236',
      'pkg:julia/IndirectDevDep@2.0.0?uuid=b637660b-5035-4894-8335-b3805a4b50d8',
      'pkg:julia/JSON@0.21.4?uuid=682c06a0-de6a-54ab-a142-c8b1cf79cde6',
      'pkg:julia/Mmap@1.9.0?uuid=a63ad114-7e13-5084-954f-fe012c677804',
      'pkg:julia/Parsers@2.5.10?uuid=69de0a69-1ddd-5017-9359-2bf0b02dc9f0',
      'pkg:julia/PrecompileTools@1.1.1?uuid=aea7be01-6a6a-4083-8856-8a6e6704d82a',
      'pkg:julia/Preferences@1.4.0?uuid=21216c6a-2e73-6563-6e65-726566657250',
      'pkg:julia/Printf@1.9.0?uuid=de0858da-6303-5e67-8744-51eddeeeb8d7',
      'pkg:julia/Random@1.9.0?uuid=9a3f8284-a2c9-5f02-9a11-845980a1fd5c',
      'pkg:julia/SHA@0.7.0?uuid=ea8e919c-243c-51af-8825-aaa63cd721ce',
      'pkg:julia/Serialization@1.9.0?uuid=9e88b42a-f829-5b0c-bbe9-9e923198166b',
      'pkg:julia/TOML@1.0.3?uuid=fa267f1f-6049-4f14-aa54-33bafae1ed76',
      'pkg:julia/UUIDs@1.9.0?uuid=cf7118a7-6976-5b1a-9a39-7adc72f591a4',
      'pkg:julia/Unicode@1.9.0?uuid=4ec0a83e-493e-50e2-b9ac-8f72acf5a8f5',
    ],
  },
  // the project itself, from the Project.toml beside the manifest
  { from: 'trivy/julia/analyzer/happy/Project.toml', to: 'srv/julia-app/Project.toml', purls: ['pkg:julia/packageName@0.1.0?uuid=1c653b0a-0b5a-4cff-b25a-92f0db012773'] },
  {
    from: 'trivy/conda/environment-parser/happy.yaml',
    to: 'srv/ml/environment.yml',
    // specs that pin no single version (`libblas>=3.9`, `_openmp_mutex`) are packages without a version
    purls: [
      'pkg:conda/_openmp_mutex',
      'pkg:conda/blas@1.0',
      'pkg:conda/bzip2@1.0.8',
      'pkg:conda/ca-certificates@2024.2',
      'pkg:conda/ld_impl_linux-aarch64',
      'pkg:conda/libblas',
      'pkg:conda/libcblas',
      'pkg:conda/libexpat@2.6.2',
      'pkg:conda/libffi@3.4.2',
      'pkg:conda/libgcc-ng',
      'pkg:conda/libgfortran-ng',
      'pkg:conda/libgfortran5',
      'pkg:conda/libgomp@13.2.0',
      'pkg:conda/liblapack',
      'pkg:conda/libnsl@2.0.1',
      'pkg:pypi/asgiref@3.8.1',
      'pkg:pypi/django@5.0.6',
    ],
  },
  {
    from: 'syft/haskell/stack.yaml.lock',
    to: 'srv/hs-app/stack.yaml.lock',
    purls: [
      'pkg:hackage/HTTP@4000.3.16',
      'pkg:hackage/configurator-pg@0.2.6',
      'pkg:hackage/hasql-dynamic-statements@0.3.1.1',
      'pkg:hackage/hasql-implicits@0.1.0.4',
      'pkg:hackage/hasql-pool@0.5.2.2',
      'pkg:hackage/lens-aeson@1.1.3',
      'pkg:hackage/optparse-applicative@0.16.1.0',
      'pkg:hackage/protolude@0.3.2',
      'pkg:hackage/ptr@0.16.8.2',
    ],
  },
  {
    from: 'syft/haskell/stack.yaml',
    to: 'srv/hs-app/stack.yaml',
    purls: [
      'pkg:hackage/ShellCheck@0.8.0',
      'pkg:hackage/colourista@0.1.0.1',
      'pkg:hackage/hspec-core@2.9.4',
      'pkg:hackage/hspec-discover@2.9.4',
      'pkg:hackage/hspec@2.9.4',
      'pkg:hackage/language-docker@11.0.0',
      'pkg:hackage/spdx@1.0.0.2',
      'pkg:hackage/stm@2.5.0.2',
    ],
  },
  {
    from: 'syft/haskell/cabal.project.freeze',
    to: 'srv/hs-cabal/cabal.project.freeze',
    purls: [
      'pkg:hackage/Cabal@3.2.1.0',
      'pkg:hackage/Diff@0.4.1',
      'pkg:hackage/HTTP@4000.3.16',
      'pkg:hackage/HUnit@1.6.2.0',
      'pkg:hackage/OneTuple@0.3.1',
      'pkg:hackage/Only@0.1',
      'pkg:hackage/PyF@0.10.2.0',
      'pkg:hackage/QuickCheck@2.14.2',
      'pkg:hackage/RSA@2.4.1',
      'pkg:hackage/SHA@1.6.4.4',
      'pkg:hackage/Spock@0.14.0.0',
    ],
  },
  { from: 'syft/ocaml/alcotest.opam', to: 'srv/alcotest/alcotest.opam', purls: ['pkg:opam/alcotest@1.5.0'] },
  {
    from: 'syft/ocaml/ocaml-base-compiler.4.14.0/opam',
    to: 'srv/opam-root/default/.opam-switch/packages/ocaml-base-compiler.4.14.0/opam',
    purls: ['pkg:opam/ocaml-base-compiler@4.14.0'],
  },
];

/** The package types and catalogers the tree shows. */
const TYPES = ['julia', 'conda', 'python', 'hackage', 'opam'];
const CATALOGERS = ['julia-manifest-cataloger', 'conda-environment-cataloger', 'haskell-cataloger', 'ocaml-opam-cataloger'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-m1-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-m1-out-'));
  plantPeerFixtures(root, TREE);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: Julia, conda environment, Haskell and OCaml files (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const r = await formatRoundTrip(root, work);
    expectPurlsKept(r, want);
    // custody's own JSON read back from SPDX keeps the package types (of the packages with a purl: SPDX names
    // no type for the others, such as the git package of the stack.yaml.lock)
    expect([...new Set(r.model.packages.filter((p) => p.purl).map((p) => p.type))].sort()).toEqual([...TYPES].sort());
    for (const c of CATALOGERS) expect(r.cdxText).toContain(c);
  });
});
