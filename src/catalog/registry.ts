/**
 * The explicit list of catalogers (STYLE §6: added here by hand, never by import side effect) and
 * `--select`: names, tags or ecosystems to keep, `-name` to drop.
 */
import { UsageError } from '../core/errors.js';
import { apkDbCataloger } from './alpine/index.js';
import { runtimeBinaryCataloger } from './binary/index.js';
import type { Cataloger } from './cataloger.js';
import { dpkgDbCataloger } from './debian/index.js';
import { rpmDbCataloger } from './rpm/index.js';
import { dotnetDepsCataloger, dotnetPackagesConfigCataloger, dotnetPackagesLockCataloger, dotnetPackagesPropsCataloger } from './dotnet/index.js';
import { goBinaryCataloger, goModCataloger } from './go/index.js';
import { javaArchiveCataloger, javaGradleLockfileCataloger, javaPomCataloger, javaSbtLockfileCataloger } from './java/index.js';
import { npmInstalledCataloger, npmLockCataloger } from './npm/index.js';
import { phpComposerInstalledCataloger, phpComposerLockCataloger, phpPearCataloger } from './php/index.js';
import { pythonInstalledCataloger, pythonLockCataloger } from './python/index.js';
import { rubyGemfileLockCataloger, rubyGemspecCataloger } from './ruby/index.js';
import { rustBinaryCataloger, rustCargoLockCataloger } from './rust/index.js';
import { alpmDbCataloger } from './arch/index.js';
import { rPackageCataloger } from './r/index.js';
import { condaMetaCataloger } from './conda/index.js';
import { bitnamiCataloger } from './bitnami/index.js';
import { portageCataloger } from './gentoo/index.js';
import { conanCataloger, conanInfoCataloger } from './conan/index.js';
import { dartPubspecCataloger, dartPubspecLockCataloger } from './dart/index.js';
import { elixirMixLockCataloger } from './elixir/index.js';
import { erlangOtpApplicationCataloger, erlangRebarLockCataloger } from './erlang/index.js';
import { cocoapodsPodfileLockCataloger, swiftPackageResolvedCataloger } from './swift/index.js';
import { githubActionsUsageCataloger } from './githubactions/index.js';
import { terraformLockCataloger } from './terraform/index.js';
import { luaRockCataloger } from './lua/index.js';
import { juliaManifestCataloger } from './julia/index.js';
import { condaEnvironmentCataloger } from './conda/index.js';
import { haskellCataloger } from './haskell/index.js';
import { ocamlOpamCataloger } from './ocaml/index.js';
import { wordpressCoreCataloger, wordpressPluginsCataloger } from './wordpress/index.js';
import { swiplPackCataloger } from './swipl/index.js';
import { sbomCataloger } from './sbom/index.js';
import { appleAppBundleCataloger } from './apple/index.js';
import { ggufCataloger } from './ai/index.js';
import { homebrewCataloger } from './homebrew/index.js';
import { nixStoreCataloger } from './nix/index.js';
import { snapCataloger } from './snap/index.js';
import { linuxKernelCataloger } from './kernel/index.js';
import { vcpkgManifestCataloger } from './vcpkg/index.js';
import { dotnetLibmanCataloger, dotnetPortableExecutableCataloger } from './dotnet/index.js';

/** Every cataloger custody has, in the order they run. */
export const ALL_CATALOGERS: readonly Cataloger[] = [
  dpkgDbCataloger,
  apkDbCataloger,
  rpmDbCataloger,
  javaArchiveCataloger,
  javaGradleLockfileCataloger,
  javaSbtLockfileCataloger,
  javaPomCataloger,
  npmInstalledCataloger,
  npmLockCataloger,
  pythonInstalledCataloger,
  pythonLockCataloger,
  goBinaryCataloger,
  goModCataloger,
  rustCargoLockCataloger,
  rustBinaryCataloger,
  rubyGemspecCataloger,
  rubyGemfileLockCataloger,
  phpComposerInstalledCataloger,
  phpComposerLockCataloger,
  phpPearCataloger,
  dotnetDepsCataloger,
  dotnetPackagesLockCataloger,
  dotnetPackagesConfigCataloger,
  dotnetPackagesPropsCataloger,
  runtimeBinaryCataloger,
  alpmDbCataloger,
  rPackageCataloger,
  condaMetaCataloger,
  conanCataloger,
  dartPubspecLockCataloger,
  elixirMixLockCataloger,
  erlangRebarLockCataloger,
  swiftPackageResolvedCataloger,
  cocoapodsPodfileLockCataloger,
  bitnamiCataloger,
  portageCataloger,
  githubActionsUsageCataloger,
  terraformLockCataloger,
  erlangOtpApplicationCataloger,
  dartPubspecCataloger,
  conanInfoCataloger,
  luaRockCataloger,
  juliaManifestCataloger,
  condaEnvironmentCataloger,
  haskellCataloger,
  ocamlOpamCataloger,
  wordpressCoreCataloger,
  wordpressPluginsCataloger,
  swiplPackCataloger,
  sbomCataloger,
  appleAppBundleCataloger,
  ggufCataloger,
  homebrewCataloger,
  nixStoreCataloger,
  snapCataloger,
  linuxKernelCataloger,
  vcpkgManifestCataloger,
  dotnetLibmanCataloger,
  dotnetPortableExecutableCataloger,
];

/** True when `token` names this cataloger: its full name, its name without `-cataloger`, its first word, a tag or its ecosystem. */
function matches(c: Cataloger, token: string): boolean {
  const t = token.toLowerCase();
  const name = c.name.toLowerCase();
  return (
    name === t ||
    name === `${t}-cataloger` ||
    name.startsWith(`${t}-`) ||
    c.ecosystem === t ||
    c.tags.some((tag) => tag.toLowerCase() === t)
  );
}

/** True when `token` selects this cataloger: an opt-in one only by its name or first word, not by a tag or ecosystem. */
function selects(c: Cataloger, token: string): boolean {
  if (c.optIn !== true) return matches(c, token);
  const t = token.toLowerCase();
  const name = c.name.toLowerCase();
  return name === t || name === `${t}-cataloger` || name.startsWith(`${t}-`);
}

/**
 * Select catalogers, syft-style: `['java', 'npm']` keeps those matching any token (name, name prefix,
 * tag such as `os` or `language`, or ecosystem); `['-python']` drops matches from the current set
 * (from all when only exclusions are given); `['+sbom']` adds to the default set. Opt-in catalogers
 * (`optIn`) are not in the default set and are selected only by name. Tokens may also come comma-joined
 * (`'java,npm'`). Order follows `all`.
 * @throws UsageError `CATALOG_UNKNOWN_SELECTOR` when a token matches no cataloger.
 */
export function selectCatalogers(all: readonly Cataloger[], select: readonly string[]): Cataloger[] {
  const tokens = select.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const include = tokens.filter((t) => !t.startsWith('-') && !t.startsWith('+'));
  const add = tokens.filter((t) => t.startsWith('+')).map((t) => t.slice(1));
  const exclude = tokens.filter((t) => t.startsWith('-')).map((t) => t.slice(1));
  for (const t of [...include, ...add, ...exclude]) {
    if (t === '' || !all.some((c) => selects(c, t))) {
      throw new UsageError('CATALOG_UNKNOWN_SELECTOR', `--select ${JSON.stringify(t)} matches no cataloger`, {
        hint: `use a name, tag or ecosystem of: ${all.map((c) => c.name).join(', ')} (prefix with - to exclude, + to add to the defaults)`,
      });
    }
  }
  const kept = all.filter((c) =>
    include.length === 0
      ? c.optIn !== true || add.some((t) => selects(c, t))
      : include.some((t) => selects(c, t)) || add.some((t) => selects(c, t)),
  );
  return kept.filter((c) => !exclude.some((t) => selects(c, t)));
}
