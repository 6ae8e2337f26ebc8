/**
 * Every registered command, by hand. A command appears here only once it works end to end.
 *
 * Modules are loaded lazily: a run imports only the command it executes (sigstore, the CycloneDX
 * library, SQLite... are not loaded for `sbom query`), which cuts start-up from ~1.3 s of CPU to a
 * fraction. `--help` and unknown commands load them all.
 */
import type { CommandModule } from './command.js';

export interface CommandEntry {
  /** Top-level command word. */
  name: string;
  /** For `custody sbom <sub>`: the subcommand word. */
  sub?: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'sbom', sub: 'generate', load: async () => (await import('./sbom-generate.js')).sbomGenerateCommand },
  { name: 'sbom', sub: 'query', load: async () => (await import('./sbom-query.js')).sbomQueryCommand },
  { name: 'sbom', sub: 'index', load: async () => (await import('./sbom-index.js')).sbomIndexCommand },
  { name: 'sbom', sub: 'diff', load: async () => (await import('./sbom-diff.js')).sbomDiffCommand },
  { name: 'sbom', sub: 'convert', load: async () => (await import('./sbom-convert.js')).sbomConvertCommand },
  { name: 'sbom', sub: 'validate', load: async () => (await import('./sbom-validate.js')).sbomValidateCommand },
  { name: 'verify', load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'provenance', load: async () => (await import('./provenance.js')).provenanceCommand },
  { name: 'scan', load: async () => (await import('./scan.js')).scanCommand },
  { name: 'audit', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'vulndb', load: async () => (await import('./vulndb.js')).vulndbCommand },
];

/**
 * The entries a command line needs. Global flags take no values, so the first two words that are
 * not flags are the command and (for `sbom`) the subcommand. Nothing matching (help, a typo) loads all;
 * the version flag as the first word loads none.
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  // `custody --version` needs no command at all (it was loading every one: 0.55 s instead of 0.1 s).
  if (argv[0] === '--version' || argv[0] === '-V') return [];
  const words = argv.filter((a) => !a.startsWith('-'));
  const [name, sub] = words;
  const hit = COMMANDS.filter((c) => c.name === name && (c.sub === undefined || c.sub === sub));
  return hit.length > 0 ? hit : COMMANDS;
}
