import { defineCataloger } from '../cataloger.js';
import { parseDepsJson } from './deps-json.js';

/** NuGet packages of .NET apps from *.deps.json, with depends-on relationships. */
export const dotnetDepsCataloger = defineCataloger({
  name: 'dotnet-deps-cataloger',
  ecosystem: 'nuget',
  tags: ['language', 'installed', 'image', 'directory', 'dotnet', 'nuget', 'csharp'],
  parsers: [{ globs: ['**/*.deps.json'], parse: parseDepsJson }],
});
