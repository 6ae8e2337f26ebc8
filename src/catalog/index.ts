/**
 * The catalog module: catalogers (pure parsers per ecosystem), their registry and the runner.
 */
export type { CatalogContext, CatalogFile, Cataloger, CatalogerTag, CatalogLimits, ParseResult, ParserSpec } from './cataloger.js';
export { defineCataloger, DEFAULT_LIMITS } from './cataloger.js';
export { ALL_CATALOGERS, selectCatalogers } from './registry.js';
export { comparePackages, finalizePackages, globsFor, runCatalogers, wantsFor, type CatalogResult, type RunContext } from './run.js';
export { detectDistro, DISTRO_PATHS, distroQualifier, parseOsRelease, parseReleaseFile, OS_RELEASE_PATHS, RELEASE_FILE_PATHS } from './os-release.js';
export { isStreamable, planStreaming, StreamedParses, type ParseRecord, type StreamPlan, type StreamPlanOptions } from './stream.js';
