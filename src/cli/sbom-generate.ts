/**
 * `custody sbom generate <target>`: parse flags, call generate/generateSbom, encode each requested
 * output (`-o FORMAT[=FILE]`, repeatable) to stdout or its file.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { generateSbom } from '../generate/index.js';
import { renderSbomTable } from '../report/human/sbom-table.js';
import { parsePlatform } from '../source/index.js';
import { ENCODE_FORMATS, encodeSbom, isEncodeFormat } from '../sbom/encode.js';
import { describeAgreement, parseEngineList, runEngines } from '../sbom/engines/index.js';
import type { Sbom } from '../sbom/model.js';
import { sbomCommand, type CommandModule } from './command.js';
import { writtenOutcome, type Outcome } from './outcome.js';
import { StagedOutputs } from './output.js';
import type { CommandContext } from './io.js';

const require = createRequire(import.meta.url);
const { version: CUSTODY_VERSION } = require('../../package.json') as { version: string };

export const OUTPUT_FORMATS = [...ENCODE_FORMATS, 'table'] as const;

export interface OutputSpec {
  format: string;
  /** Undefined: stdout. */
  file?: string;
}

/**
 * Parse `-o FORMAT[=FILE]` values. At most one output may go to stdout.
 * @throws UsageError `SBOM_UNKNOWN_FORMAT` / `CLI_OUTPUT_CONFLICT`.
 */
export function parseOutputs(values: readonly string[]): OutputSpec[] {
  const specs = (values.length === 0 ? ['cyclonedx-json'] : values).map((v): OutputSpec => {
    const eq = v.indexOf('=');
    const format = (eq < 0 ? v : v.slice(0, eq)).trim();
    const file = eq < 0 ? undefined : v.slice(eq + 1).trim();
    if (format !== 'table' && !isEncodeFormat(format)) {
      throw new UsageError('SBOM_UNKNOWN_FORMAT', `unknown output format ${JSON.stringify(format)} in -o ${v}`, {
        hint: `use one of: ${OUTPUT_FORMATS.join(', ')}, optionally with =FILE`,
      });
    }
    if (file === '') throw new UsageError('CLI_OUTPUT_NO_FILE', `-o ${v} names no file after =`, { hint: `write -o ${format}=FILE, or -o ${format} for stdout` });
    return file === undefined ? { format } : { format, file };
  });
  if (specs.filter((s) => s.file === undefined).length > 1) {
    throw new UsageError('CLI_OUTPUT_CONFLICT', 'more than one -o writes to stdout', {
      hint: 'give all outputs but one a file: -o spdx-json=img.spdx.json -o table',
    });
  }
  return specs;
}

/** 'out/img.cdx.json' + 'linux/arm64/v8' → 'out/img.linux-arm64-v8.cdx.json'. */
export function platformFileName(file: string, platform: string): string {
  const dir = dirname(file);
  const base = basename(file);
  const dot = base.indexOf('.', 1);
  const tag = platform.replace(/\//g, '-');
  const name = dot < 0 ? `${base}.${tag}` : `${base.slice(0, dot)}.${tag}${base.slice(dot)}`;
  return dir === '.' && !file.startsWith('./') ? name : join(dir, name);
}

interface GenerateFlags {
  output: string[];
  platform?: string;
  allPlatforms: boolean;
  scope: 'squashed' | 'all-layers';
  select: string[];
  plainHttp: boolean;
  engine: string;
  engineTimeout: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function render(sbom: Sbom, format: string, ctx: CommandContext): string {
  return format === 'table' ? renderSbomTable(sbom, ctx.chalk, ctx.io.stdout.isTTY === true ? ctx.io.stdout.columns : undefined) : encodeSbom(sbom, format, { clock: ctx.clock });
}

function platformOf(s: Sbom): string {
  const p = s.subject.platform;
  return p ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : 'unknown';
}

async function generate(ctx: CommandContext, target: string, flags: GenerateFlags): Promise<Outcome> {
  const outputs = parseOutputs(flags.output);
  if (flags.allPlatforms && flags.platform !== undefined) {
    throw new UsageError('CLI_PLATFORM_CONFLICT', '--platform and --all-platforms cannot be used together', { hint: 'pick one platform, or all' });
  }
  // Malformed for every source and engine alike (exit 2), before anything is opened.
  if (flags.platform !== undefined) parsePlatform(flags.platform);
  const engines = parseEngineList(flags.engine);
  const external = engines.some((e) => e !== 'native');
  const timeoutSec = Number(flags.engineTimeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) {
    throw new UsageError('CLI_BAD_TIMEOUT', `--engine-timeout ${flags.engineTimeout} is not a positive number of seconds`, { hint: 'e.g. --engine-timeout 900' });
  }
  if (external && flags.allPlatforms) {
    throw new UsageError('ENGINE_ALL_PLATFORMS', `--all-platforms works with --engine native only (got --engine ${engines.join(',')})`, { hint: 'pick one platform with --platform' });
  }
  if (external && flags.scope === 'all-layers') {
    throw new UsageError('ENGINE_SCOPE', `--scope all-layers works with --engine native only (got --engine ${engines.join(',')})`, { hint: 'drop --scope, or use --engine native' });
  }
  if (external && !engines.includes('native') && flags.select.length > 0) ctx.log.warn(`--select chooses custody's catalogers; it does nothing with --engine ${engines.join(',')}`);
  // Every output file is checked (and staged) before the catalog run: `-o table=/nonexistent/x` costs nothing.
  const files = await StagedOutputs.prepare(
    outputs.flatMap((o) => (o.file === undefined ? [] : [{ path: o.file, label: o.format }])),
    ctx.io.cwd,
  );
  try {
    return await generateInto(ctx, target, flags, engines, timeoutSec, outputs, files);
  } finally {
    await files.discard();
  }
}

async function generateInto(ctx: CommandContext, target: string, flags: GenerateFlags, engines: ReturnType<typeof parseEngineList>, timeoutSec: number, outputs: OutputSpec[], files: StagedOutputs): Promise<Outcome> {
  const external = engines.some((e) => e !== 'native');
  const native = (): ReturnType<typeof generateSbom> =>
    generateSbom({
      target,
      ...(flags.platform !== undefined ? { platform: flags.platform } : {}),
      allPlatforms: flags.allPlatforms,
      scope: flags.scope,
      select: flags.select,
      plainHttp: flags.plainHttp,
      log: ctx.log,
      signal: ctx.io.signal,
      clock: ctx.clock,
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      toolVersion: CUSTODY_VERSION,
    });
  let result: Awaited<ReturnType<typeof generateSbom>>;
  if (!external) result = await native();
  else {
    const run = await runEngines(engines, {
      target,
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      log: ctx.log,
      signal: ctx.io.signal,
      platform: flags.platform,
      plainHttp: flags.plainHttp,
      timeoutMs: timeoutSec * 1000,
      toolVersion: CUSTODY_VERSION,
      native: async () => {
        const r = await native();
        return Array.isArray(r) ? r[0]! : r;
      },
    });
    if (run.agreement) ctx.log.info(describeAgreement(run.agreement, run.sbom.packages.length));
    result = run.sbom;
  }
  const sboms = Array.isArray(result) ? result : [result];
  const many = sboms.length > 1;
  let stdout = '';
  for (const out of outputs) {
    if (out.file === undefined) {
      if (many && out.format !== 'table') {
        throw new UsageError('CLI_OUTPUT_NEEDS_FILE', `${sboms.length} platforms cannot share stdout as ${out.format}`, {
          hint: `write -o ${out.format}=FILE (each platform gets FILE with the platform in its name), or use -o table`,
        });
      }
      for (const s of sboms) {
        if (many) stdout += `${ctx.chalk.bold(`# ${platformOf(s)}`)}\n`;
        stdout += render(s, out.format, ctx);
      }
      continue;
    }
    for (const s of sboms) {
      const path = flags.allPlatforms ? platformFileName(out.file, platformOf(s)) : out.file;
      await files.put(path, render(s, out.format, ctx), out.format);
    }
  }
  // Files first, all together; then standard output (a failed file write prints no SBOM either).
  for (const w of await files.commit(ctx.io.signal)) ctx.log.info(`wrote ${w.label ?? 'output'} to ${w.path}`);
  if (stdout !== '') ctx.io.stdout.write(stdout);
  const count = sboms.reduce((n, s) => n + s.packages.length, 0);
  ctx.log.info(`${count} packages${many ? ` across ${sboms.length} platforms` : ''}`);
  return writtenOutcome(sboms.flatMap((s) => s.incomplete ?? []));
}

export const sbomGenerateCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('generate')
      .description('catalog an image or directory and write its SBOM (CycloneDX 1.6 JSON on stdout by default)')
      .argument('<target>', 'oci-dir:PATH, oci-archive:PATH, docker-archive:PATH, dir:PATH, registry:REF, or a bare path/reference (sniffed)')
      .option('-o, --output <format[=file]>', `output format, repeatable: ${OUTPUT_FORMATS.join(', ')}; =FILE writes to a file`, collect, [])
      .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: the host\'s)')
      .option('--all-platforms', 'one SBOM per platform of a multi-platform image (file names carry the platform)', false)
      .addOption(new Option('--scope <scope>', 'squashed: the final filesystem; all-layers: also packages a later layer deleted (marked)').choices(['squashed', 'all-layers']).default('squashed'))
      .option('--select <catalogers>', 'catalogers by name, tag or ecosystem (comma-separated, repeatable); -name excludes, +name adds to the defaults (+sbom: SBOM documents in the tree)', collect, [])
      .option('--plain-http', 'talk plain HTTP to the registry (loopback/test registries only)', false)
      .option('--engine <engines>', 'native (custody\'s catalogers), syft, trivy, or several comma-separated (merged, with FOUND-BY per package)', 'native')
      .option('--engine-timeout <seconds>', 'time limit for each syft/trivy run', '600')
      .action(runner.action(async (ctx, target: string, flags: GenerateFlags) => generate(ctx, target, flags)));
  },
};
