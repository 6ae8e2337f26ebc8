/**
 * `custody scan`: vulnerabilities from grype, trivy or a local OSV database, one gate, one report.
 * Parses flags, calls vuln/runScan, renders with report/, and derives the exit code from the gate.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { renderScanTable } from '../report/human/scan-table.js';
import { renderScanMarkdown } from '../report/markdown-scan.js';
import { renderSarif } from '../report/sarif.js';
import {
  DEFAULT_MAX_VULNDB_AGE_SECONDS,
  parseDuration,
  runExternalEngine,
  runScan,
  scanJson,
  type EngineChoice,
  type FailOn,
  type GatedScan,
  type ScanDeps,
  type ScanInput,
  type UnscoredPolicy,
} from '../vuln/index.js';
import { compareVersions } from '../query/versions/index.js';
import { readSbom } from '../sbom/index.js';
import { generateSbom } from '../generate/index.js';
import type { CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { gateOutcome } from './outcome.js';
import { renderUpdate, runVulnDbUpdate, vulnDbDir } from './vulndb-wiring.js';

const require = createRequire(import.meta.url);
const { version: CUSTODY_VERSION } = require('../../package.json') as { version: string };

interface ScanFlags {
  engine?: EngineChoice;
  osvDb?: string;
  report?: string;
  failOn: FailOn;
  onlyFixed: boolean;
  unscored: UnscoredPolicy;
  ignore: string[];
  vex: string[];
  output: 'table' | 'json' | 'sarif' | 'markdown';
  vulndbDir?: string;
  maxVulndbAge?: string;
  requireCoverage: boolean;
  matchOwnedLanguagePackages: boolean;
  updateVulndb: boolean;
  vulndbSource?: string;
  allowInsecureSource: boolean;
  includeDeleted: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Image transports as in `sbom generate` (source/parse-ref.ts); anything else that is an existing file is an SBOM. */
const IMAGE_PREFIX = /^(docker-archive|oci-archive|oci-dir|dir|registry):/;

/**
 * What the positional target is: an explicit transport is an image; an existing directory is an OCI
 * layout (has `oci-layout`) or a root filesystem; an image tarball (.tar, .tar.gz, .tgz) is an image
 * (its kind is sniffed when opened); any other existing file is an SBOM; anything else a registry ref.
 */
export function classifyTarget(target: string, cwd: string): ScanInput {
  if (IMAGE_PREFIX.test(target)) return { kind: 'image', ref: target };
  const p = isAbsolute(target) ? target : resolve(cwd, target);
  if (existsSync(p) && statSync(p).isDirectory()) return { kind: 'image', ref: existsSync(join(p, 'oci-layout')) ? `oci-dir:${p}` : `dir:${p}` };
  if (existsSync(p) && statSync(p).isFile()) return /\.(tar|tar\.gz|tgz)$/i.test(p) ? { kind: 'image', ref: p } : { kind: 'sbom', path: p };
  return { kind: 'image', ref: target };
}

function render(g: GatedScan, flags: ScanFlags, ctx: CommandContext): string {
  switch (flags.output) {
    case 'json':
      return `${JSON.stringify(scanJson(g, CUSTODY_VERSION), null, 2)}\n`;
    case 'sarif':
      return renderSarif(g, { custodyVersion: CUSTODY_VERSION });
    case 'markdown':
      return renderScanMarkdown(g);
    case 'table':
      return renderScanTable(g, ctx.chalk, ctx.io.stdout.isTTY === true ? ctx.io.stdout.columns : undefined);
  }
}

export const scanCommand: CommandModule = {
  register(program: Command, runner) {
    program
      .command('scan')
      .description('find vulnerabilities with grype, trivy or a local OSV database and gate on one policy')
      .argument('[target]', 'an image (docker-archive:x.tar, oci-dir:dir, registry:ref, ...) or an SBOM file in any format custody reads')
      .addOption(new Option('--engine <name>', 'scanner to run').choices(['osv', 'grype', 'trivy']))
      .option('--osv-db <path>', 'local OSV database: a directory of OSV JSON files or osv.dev all.zip files (implies --engine osv)')
      .option('--report <file>', 'gate an existing grype, trivy or osv-scanner JSON report instead of scanning')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a counted finding is at or above this severity').choices(['none', 'low', 'medium', 'high', 'critical']).default('none'))
      .option('--only-fixed', 'count only findings that have a fix available', false)
      .addOption(new Option('--unscored <policy>', 'how the gate treats findings with no severity').choices(['ignore', 'fail']).default('ignore'))
      .option('--ignore <file>', 'ignore rules (YAML: id, package?, reason, expires?); repeatable', collect, [])
      .option('--vex <file>', 'OpenVEX or CycloneDX VEX document; not_affected/fixed suppress; repeatable', collect, [])
      .option('--include-deleted', 'also report findings in packages a later image layer deleted (SBOMs made with --scope all-layers); they are marked', false)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'sarif', 'markdown']).default('table'))
      .option('--vulndb-dir <dir>', 'the local vulnerability database (custody vulndb) the osv engine reads when there is no --osv-db')
      .option('--max-vulndb-age <duration>', `data older than this fails the scan (exit 3); without the flag, data older than ${DEFAULT_MAX_VULNDB_AGE_SECONDS / 86_400}d is a warning (24h, 7d, 1d12h)`)
      .option('--require-coverage', 'packages of ecosystems the data has no records for make the scan incomplete (exit 3 unless something fails the gate)', false)
      .option('--match-owned-language-packages', 'also match language packages an OS package installed against their language ecosystem (default: only through the OS package)', false)
      .option('--update-vulndb', 'run `custody vulndb update` first (the only way scan touches the network)', false)
      .option('--vulndb-source <url>', 'with --update-vulndb: the mirror to update from (as vulndb update --source)')
      .option('--allow-insecure-source', 'with --update-vulndb: accept a plain http:// source', false)
      .action(
        runner.action(async (ctx, target: string | undefined, flags: ScanFlags) => {
          if (target !== undefined && flags.report !== undefined) {
            throw new UsageError('SCAN_REPORT_AND_TARGET', 'give either a target or --report, not both', { hint: 'custody scan --report grype.json --fail-on high' });
          }
          const abs = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));
          const maxAge = flags.maxVulndbAge !== undefined ? { seconds: parseDuration(flags.maxVulndbAge, '--max-vulndb-age'), explicit: true } : { seconds: DEFAULT_MAX_VULNDB_AGE_SECONDS, explicit: false };
          if (flags.updateVulndb) {
            if (flags.osvDb !== undefined) throw new UsageError('SCAN_UPDATE_WITH_OSV_DB', '--update-vulndb updates the local database, which --osv-db overrides', { hint: 'drop one of them' });
            const u = await runVulnDbUpdate(ctx, { ...(flags.vulndbDir !== undefined ? { vulndbDir: flags.vulndbDir } : {}), ...(flags.vulndbSource !== undefined ? { source: flags.vulndbSource } : {}), allowInsecureSource: flags.allowInsecureSource });
            ctx.io.stderr.write(renderUpdate(u));
            if (u.error) throw u.error;
          }
          const g = await runScan(
            {
              ...(target !== undefined ? { input: classifyTarget(target, ctx.io.cwd) } : {}),
              ...(flags.report !== undefined ? { report: abs(flags.report) } : {}),
              ...(flags.engine !== undefined ? { engine: flags.engine } : {}),
              ...(flags.osvDb !== undefined ? { osvDb: abs(flags.osvDb) } : {}),
              ...(flags.report === undefined && flags.osvDb === undefined && (flags.engine === undefined || flags.engine === 'osv') ? { vulndbDir: vulnDbDir(ctx, flags) } : {}),
              maxVulnDbAge: maxAge,
              requireCoverage: flags.requireCoverage,
              matchOwnedLanguagePackages: flags.matchOwnedLanguagePackages,
              failOn: flags.failOn,
              onlyFixed: flags.onlyFixed,
              unscored: flags.unscored,
              ignoreFiles: flags.ignore.map(abs),
              vexFiles: flags.vex.map(abs),
              now: ctx.clock.now(),
              signal: ctx.io.signal,
              includeDeleted: flags.includeDeleted,
            },
            scanDeps(ctx),
          );
          // An interrupted scan prints no report and no gate verdict.
          ctx.io.signal.throwIfAborted();
          for (const w of g.warnings) ctx.log.warn(w);
          if (g.scan.hiddenDeleted) ctx.log.info(`${g.scan.hiddenDeleted} finding(s) in packages a later layer deleted not shown (--include-deleted shows them)`);
          ctx.io.stdout.write(render(g, flags, ctx));
          if (flags.output !== 'table') ctx.log.info(`gate: ${g.gate.summary}`);
          // A failed gate stands; a passed one over input not read or not scanned is exit 3 (README "Completeness").
          return gateOutcome(!g.gate.passed, g.scan.incomplete ?? []);
        }),
      );
  },
};

/** The real capabilities behind a scan (SBOM reading, version ordering, image cataloguing, tools). */
function scanDeps(ctx: CommandContext): ScanDeps {
  return {
    log: ctx.log,
    readSbom: (path) => readSbom(path, { logger: ctx.log }),
    catalogImage: async (ref, signal) => {
      const sbom = await generateSbom({
        target: ref,
        log: ctx.log,
        cwd: ctx.io.cwd,
        env: ctx.io.env,
        toolVersion: CUSTODY_VERSION,
        ...(signal ? { signal } : {}),
      });
      return Array.isArray(sbom) ? sbom[0]! : sbom;
    },
    compareVersions,
    runEngine: (engine, input, signal) => runExternalEngine(engine, input, { log: ctx.log, env: ctx.io.env, ...(signal ? { signal } : {}) }),
  };
}
