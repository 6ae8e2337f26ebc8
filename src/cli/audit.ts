/**
 * `custody audit IMAGE...` and `custody audit k8s PATH...|-`: the whole chain of custody (image
 * rules, signature, provenance, vulnerabilities, SBOM) against one policy file.
 */
import { Option, type Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { auditImages, auditWorkloads, type AuditRunOptions } from '../audit/audit.js';
import { readManifests, type Workload } from '../audit/k8s.js';
import type { AuditResult } from '../audit/model.js';
import { loadPolicy } from '../audit/load-policy.js';
import { createAuditDeps } from '../audit/wiring.js';
import { InputError, UsageError } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';
import { fileProblem, inputFileError, readInputFile } from '../core/input-file.js';
import { discoverImageAttestations } from '../provenance/index.js';
import { renderAuditJson, renderAuditMarkdown, renderAuditSarif, renderAuditTable } from '../report/audit.js';
import { loadTrustedRoot } from '../verify/index.js';
import type { CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { gateOutcome, type Outcome } from './outcome.js';
import { CUSTODY_VERSION } from './main.js';

interface AuditFlags {
  policy?: string;
  plainHttp: boolean;
  concurrency: string;
  output: 'table' | 'json' | 'markdown' | 'sarif';
  trustedRoot?: string;
}

const MAX_INPUT = 64 * 1024 * 1024;
const MANIFEST_EXT = new Set(['.yaml', '.yml', '.json']);

/** A named input file: missing, permission denied, a directory, too large each have their code (AUDIT_INPUT_*). */
async function readText(path: string, shown: string, what: string): Promise<string> {
  return (await readInputFile(path, { prefix: 'AUDIT_INPUT', what, shown, maxBytes: MAX_INPUT })).toString('utf8');
}

/** Manifest files under a directory (recursively), in a stable order. */
async function manifestFiles(dir: string, depth = 0): Promise<string[]> {
  if (depth > 16) return [];
  const entries = (
    await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      const { problem, reason } = fileProblem(err);
      throw inputFileError({ prefix: 'AUDIT_INPUT', what: 'manifest directory', path: dir }, problem, reason, err);
    })
  ).sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await manifestFiles(p, depth + 1)));
    else if (e.isFile() && MANIFEST_EXT.has(extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

async function readStdin(ctx: CommandContext): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of ctx.io.stdin()) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    n += b.length;
    if (n > MAX_INPUT) throw new InputError('AUDIT_INPUT_TOO_LARGE', `standard input is larger than ${MAX_INPUT} bytes`, { hint: 'write the manifests to files' });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Workloads of the manifests, and what could not be read (README "Completeness"): empty input (`printf ''
 * | custody audit k8s -`, what a failed `helm template` pipes), an empty directory, documents that are
 * not Kubernetes objects or do not parse, workloads without a usable image.
 */
async function loadWorkloads(ctx: CommandContext, paths: string[]): Promise<{ workloads: Workload[]; incomplete: Incomplete[] }> {
  const out: { workloads: Workload[]; incomplete: Incomplete[] } = { workloads: [], incomplete: [] };
  const add = (text: string, origin: string): void => {
    const r = readManifests(text, origin);
    out.workloads.push(...r.workloads);
    out.incomplete.push(...r.incomplete);
  };
  for (const p of paths) {
    if (p === '-') {
      add(await readStdin(ctx), '-');
      continue;
    }
    const abs = isAbsolute(p) ? p : resolve(ctx.io.cwd, p);
    const st = await stat(abs).catch((err: unknown) => {
      // Missing, permission denied, a path through a file: each says so (AUDIT_INPUT_NOT_FOUND, _PERMISSION_DENIED, ...).
      const { problem, reason } = fileProblem(err);
      throw inputFileError({ prefix: 'AUDIT_INPUT', what: 'manifest path', path: abs, shown: p }, problem, reason, err);
    });
    const files = st.isDirectory() ? await manifestFiles(abs) : [abs];
    if (st.isDirectory() && files.length === 0) out.incomplete.push({ kind: 'manifest', path: p, reason: 'a directory with no .yaml, .yml or .json file' });
    for (const f of files) {
      const shown = st.isDirectory() ? join(p, f.slice(abs.length + 1)) : p;
      add(await readText(f, shown, 'manifest'), shown);
    }
  }
  return out;
}

async function prepare(ctx: CommandContext, flags: AuditFlags): Promise<{ run: AuditRunOptions; deps: ReturnType<typeof createAuditDeps> }> {
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError('AUDIT_BAD_CONCURRENCY', `--concurrency must be a whole number from 1 to 64, not ${flags.concurrency}`, { hint: 'e.g. --concurrency 4' });
  }
  if (flags.policy === undefined) throw new UsageError('AUDIT_NO_POLICY', "required option '--policy <file>' not specified", { hint: 'custody audit IMAGE --policy custody-policy.yaml' });
  const policyPath = isAbsolute(flags.policy) ? flags.policy : resolve(ctx.io.cwd, flags.policy);
  // Everything the policy names is read and checked here, before any image is fetched (exit 3 on a problem).
  const { policy, text: policyText, keys } = await loadPolicy(policyPath, flags.policy, { env: ctx.io.env });
  const trustedRoot = loadTrustedRoot(flags.trustedRoot === undefined ? undefined : isAbsolute(flags.trustedRoot) ? flags.trustedRoot : resolve(ctx.io.cwd, flags.trustedRoot));
  const env = ctx.io.env;
  const deps = createAuditDeps({
    log: ctx.log,
    policyDir: dirname(policyPath),
    cwd: ctx.io.cwd,
    keys,
    plainHttp: flags.plainHttp,
    env,
    trustedRoot,
    toolVersion: CUSTODY_VERSION,
    now: ctx.clock.now(),
    ...(policy.signature ? { sbomSigners: policy.signature } : {}),
    sbomAllowMissingTlog: policy.sbom?.allowMissingTlog === true,
    signal: ctx.io.signal,
    discoverAttestations: async (sourceRef) => (await discoverImageAttestations(sourceRef, { plainHttp: flags.plainHttp, env, log: ctx.log, signal: ctx.io.signal, cwd: ctx.io.cwd })).attestations,
  });
  return {
    run: { policy, policyFile: flags.policy, policyText, concurrency, onProgress: (m) => ctx.log.progress(m) },
    deps,
  };
}

function render(r: AuditResult, flags: AuditFlags, ctx: CommandContext, allowIncomplete: boolean): Outcome {
  // An audit stopped by Ctrl-C/SIGTERM prints no verdict (its checks failed only because they were aborted).
  ctx.io.signal.throwIfAborted();
  switch (flags.output) {
    case 'json':
      ctx.io.stdout.write(renderAuditJson(r));
      break;
    case 'markdown':
      ctx.io.stdout.write(renderAuditMarkdown(r));
      break;
    case 'sarif':
      ctx.io.stdout.write(renderAuditSarif(r, { custodyVersion: CUSTODY_VERSION }));
      break;
    default:
      ctx.io.stdout.write(renderAuditTable(r, ctx.chalk));
  }
  // A failed check stands; a pass over manifests, workloads or checks not read is exit 3 (README "Completeness").
  return { ...gateOutcome(!r.ok, r.incomplete), ...(allowIncomplete ? { allowIncomplete } : {}) };
}

function commonOptions(cmd: Command): Command {
  return cmd
    // Not requiredOption: commander checks an ancestor's mandatory options too, so `audit k8s ... --policy p`
    // (parsed by the subcommand) would fail on the parent's copy. Checked in prepare() instead (exit 2).
    .option('--policy <file>', 'policy file (YAML; see README "Audit policy"); required')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback/test registries only)', false)
    .option('--concurrency <n>', 'images audited at once', '4')
    .option('--trusted-root <file>', 'trusted_root.json replacing the built-in Sigstore public-good root')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'markdown', 'sarif']).default('table'));
}

/**
 * Commander lets the parent `audit` parse the options both commands define wherever they appear
 * (`audit k8s m.yaml --policy p` sets the parent's --policy): an option given on the command line to
 * either wins over the subcommand's default.
 */
function mergeParentFlags(flags: AuditFlags, parent: Command, sub: Command): AuditFlags {
  const merged: Record<string, unknown> = { ...flags };
  const parentOpts = parent.opts<Record<string, unknown>>();
  for (const [k, v] of Object.entries(parentOpts)) {
    if (parent.getOptionValueSource(k) === 'cli' && sub.getOptionValueSource(k) !== 'cli') merged[k] = v;
  }
  return merged as unknown as AuditFlags;
}

export const auditCommand: CommandModule = {
  register(program, runner) {
    const audit = commonOptions(
      program
        .command('audit')
        .description('audit the whole chain of custody (image rules, signature, provenance, vulnerabilities, SBOM) of images against a policy')
        .argument('[images...]', 'images to audit: registry references (registry:host/repo@sha256:..., host/repo:tag) or local images (oci-dir:PATH, oci-archive:PATH, docker-archive:PATH, dir:PATH, ./path)'),
    ).action(
      runner.action(async (ctx, images: string[], flags: AuditFlags) => {
        if (images.length === 0) throw new UsageError('AUDIT_NO_TARGET', 'nothing to audit', { hint: 'custody audit registry:HOST/REPO@sha256:... --policy p.yaml, or custody audit k8s DIR --policy p.yaml' });
        const { run, deps } = await prepare(ctx, flags);
        return render(await auditImages(images, run, deps), flags, ctx, run.policy.allowIncomplete);
      }),
    );
    const k8s: Command = commonOptions(
      audit
        .command('k8s')
        .description('audit every image the Kubernetes manifests run (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, Lists; multi-document and Helm-rendered YAML, kubectl JSON)')
        .argument('<paths...>', 'manifest files, directories of them, or - for standard input'),
    ).action(
      runner.action(async (ctx, paths: string[], subFlags: AuditFlags) => {
        const flags = mergeParentFlags(subFlags, audit, k8s);
        const { run, deps } = await prepare(ctx, flags);
        const { workloads, incomplete } = await loadWorkloads(ctx, paths);
        if (workloads.length === 0 && incomplete.length === 0) ctx.log.warn('no workload with containers found in the manifests');
        return render(await auditWorkloads(workloads, run, deps, incomplete), flags, ctx, run.policy.allowIncomplete);
      }),
    );
  },
};
