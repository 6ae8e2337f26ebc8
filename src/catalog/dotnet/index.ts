import { defineCataloger } from '../cataloger.js';
import { parseDepsJson } from './deps-json.js';
import { parseLibmanJson } from './libman.js';
import { parsePortableExecutable } from './pe.js';
import { parsePackagesConfig } from './packages-config.js';
import { parsePackagesLock } from './packages-lock.js';
import { parsePackagesProps } from './packages-props.js';

/** NuGet packages of .NET apps from *.deps.json, with depends-on relationships. */
export const dotnetDepsCataloger = defineCataloger({
  name: 'dotnet-deps-cataloger',
  ecosystem: 'nuget',
  tags: ['language', 'installed', 'image', 'directory', 'dotnet', 'nuget', 'csharp'],
  parsers: [{ globs: ['**/*.deps.json'], parse: parseDepsJson }],
});

/** Declared NuGet packages from packages.lock.json (Direct, Transitive, CentralTransitive; not Project), with depends-on relationships. */
export const dotnetPackagesLockCataloger = defineCataloger({
  name: 'dotnet-packages-lock-cataloger',
  ecosystem: 'nuget',
  tags: ['language', 'declared', 'directory', 'dotnet', 'nuget', 'csharp'],
  parsers: [{ globs: ['**/packages.lock.json'], parse: parsePackagesLock }],
});

/** Declared NuGet packages from packages.config (development dependencies marked dev). */
export const dotnetPackagesConfigCataloger = defineCataloger({
  name: 'dotnet-packages-config-cataloger',
  ecosystem: 'nuget',
  tags: ['language', 'declared', 'directory', 'dotnet', 'nuget', 'csharp'],
  parsers: [{ globs: ['**/packages.config'], parse: parsePackagesConfig }],
});

/** Declared NuGet versions from Directory.Packages.props (central package management) and packages.props. */
export const dotnetPackagesPropsCataloger = defineCataloger({
  name: 'dotnet-packages-props-cataloger',
  ecosystem: 'nuget',
  tags: ['language', 'declared', 'directory', 'dotnet', 'nuget', 'csharp'],
  parsers: [{ globs: ['**/Directory.Packages.props', '**/directory.packages.props', '**/Packages.props', '**/packages.props'], parse: parsePackagesProps }],
});

/** LibMan's libman.json: the client-side JavaScript libraries an ASP.NET project restores from a CDN (pkg:npm). */
export const dotnetLibmanCataloger = defineCataloger({
  name: 'dotnet-libman-cataloger',
  ecosystem: 'npm',
  tags: ['language', 'declared', 'image', 'directory', 'dotnet', 'libman', 'javascript'],
  parsers: [{ globs: ['**/libman.json'], parse: parseLibmanJson }],
});

/**
 * .NET assemblies (`*.dll`, `*.exe` with a CLR header) from their version resource, read through random access;
 * those a `.deps.json` beside them deploys are that file's packages and are not reported again.
 */
export const dotnetPortableExecutableCataloger = defineCataloger({
  name: 'dotnet-portable-executable-cataloger',
  ecosystem: 'nuget',
  tags: ['language', 'installed', 'image', 'directory', 'binary', 'dotnet', 'nuget', 'csharp'],
  parsers: [{ globs: ['**/*.dll', '**/*.exe', '**/*.DLL', '**/*.EXE'], randomAccess: true, onlyUnowned: true, yieldsToDescribed: true, parse: parsePortableExecutable }],
});
