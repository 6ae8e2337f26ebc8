/**
 * `custody provenance check <artifact>`: verify SLSA provenance for a file, a digest or an image.
 * Flags follow slsa-verifier (--builder-id, --source-uri, --source-tag, --source-branch,
 * --source-versioned-tag, --build-type) plus --workflow and --predicate-type.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';
import {
  checkProvenance,
  checkVsa,
  createVsaKeyCheck,
  vsaJson,
  discoverImageAttestations,
  createAuthenticator,
  fileArtifact,
  imageRefDigest,
  IMAGE_PREFIX,
  MAX_ATTESTATION_BYTES,
  parseAttestations,
  parseDigestRef,
  provenanceJson,
  statementJson,
  type ArtifactRef,
  type Attestation,
  type Authenticator,
  type Authenticity,
  type ProvenanceExpectations,
} from '../provenance/index.js';
import { renderProvenanceReport, renderVsaReport } from '../report/human/provenance.js';
import { assertPublicKeyPem, loadTrustedRoot, openImageSignatureStore, parseTrustedRoot, type TrustedRootHandle } from '../verify/index.js';
import type { CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { gateOutcome } from './outcome.js';
import { CUSTODY_VERSION } from './main.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

interface ProvenanceFlags extends ProvenanceExpectations {
  attestation?: string;
  bundle?: string;
  trustedRoot?: string;
  key: string[];
  allowMissingTlog: boolean;
  allowNoTransparencyLog: boolean;
  printProvenance: boolean;
  plainHttp: boolean;
  output: 'table' | 'json';
}

/** A named input file: missing, permission denied, a directory, too large each have their code (PROVENANCE_INPUT_*). */
async function readInput(path: string, shown: string, what: string, max: number): Promise<Buffer> {
  return readInputFile(path, { prefix: 'PROVENANCE_INPUT', what, shown, maxBytes: max });
}

/**
 * The trusted root(s): built-in, a trusted_root.json, or a JSON Lines file of roots (as GitHub publishes
 * `trusted_root.jsonl` for its own Fulcio instance beside the public-good one); any one may vouch.
 */
async function loadRoots(path: string | undefined, shown: string | undefined): Promise<TrustedRootHandle[]> {
  if (path === undefined) return [loadTrustedRoot()];
  const text = (await readInput(path, shown ?? path, 'trusted root', 16 * 1024 * 1024)).toString('utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{'))) {
    return lines.map((l, i) => parseTrustedRoot(l, 'file', `${shown ?? path} line ${i + 1}`));
  }
  return [loadTrustedRoot(path)];
}

function anyRoot(auths: Authenticator[]): Authenticator {
  return async (att) => {
    let last: Authenticity | undefined;
    for (const a of auths) {
      last = await a(att);
      if (last.ok) return last;
    }
    return last!;
  };
}

async function resolveArtifact(target: string, ctx: CommandContext): Promise<ArtifactRef> {
  const digest = parseDigestRef(target);
  if (digest) return digest;
  if (IMAGE_PREFIX.test(target)) {
    let d = imageRefDigest(target);
    // A local OCI layout names its image itself (cosign save layouts included): no tag can move under it.
    if (d === undefined && /^(oci-dir|oci|oci-archive):/.test(target)) d = await openImageSignatureStore(target, { cwd: ctx.io.cwd, log: ctx.log }).then((s) => s.imageDigest());
    if (d === undefined) {
      throw new UsageError('PROVENANCE_IMAGE_NEEDS_DIGEST', `image ${target} is not pinned by digest`, {
        hint: 'give the image as registry:host/repo@sha256:<digest> (the provenance subject is the manifest digest)',
      });
    }
    return { kind: 'image', ref: target, digests: { sha256: d.slice('sha256:'.length) } };
  }
  const p = isAbsolute(target) ? target : resolve(ctx.io.cwd, target);
  return fileArtifact(p, target);
}

interface VsaFlags {
  attestation?: string;
  attestationPath?: string;
  key?: string;
  publicKeyPath?: string;
  publicKeyId?: string;
  subjectDigest: string[];
  verifierId?: string;
  resourceUri?: string;
  verifiedLevel: string[];
  printAttestation: boolean;
  output: 'table' | 'json';
}

/** One of two alias flags (slsa-verifier's name and custody's); both given with different values is a usage error. */
function either(a: string | undefined, b: string | undefined, names: string): string | undefined {
  if (a !== undefined && b !== undefined && a !== b) throw new UsageError('PROVENANCE_VSA_TWO_VALUES', `give ${names}, not both`, { hint: 'the two flags are aliases' });
  return a ?? b;
}

function required(v: string | undefined, flag: string, example: string): string {
  if (v === undefined || v.trim() === '') throw new UsageError('PROVENANCE_VSA_MISSING_FLAG', `${flag} is required`, { hint: `custody provenance vsa ${example}` });
  return v.trim();
}

const VSA_EXAMPLE = '--attestation vsa.jsonl --key verifier.pem --subject-digest sha256:<hex> --verifier-id <uri> --resource-uri <uri> [--verified-level SLSA_BUILD_LEVEL_2]';

export const provenanceCommand: CommandModule = {
  register(program: Command, runner) {
    const parent = program.command('provenance').description('check SLSA provenance: from the build that made an artifact to the artifact you hold');
    parent
      .command('vsa')
      .description("verify a SLSA Verification Summary Attestation with the verifier's public key, then its subject, verifier, resource, result and levels (as slsa-verifier verify-vsa)")
      .option('--attestation <file>', 'the VSA: a DSSE envelope or .jsonl (one envelope per line)')
      .option('--attestation-path <file>', 'alias of --attestation (slsa-verifier)')
      .option('--key <file>', "the verifier's PEM public key")
      .option('--public-key-path <file>', 'alias of --key (slsa-verifier)')
      .option('--public-key-id <id>', 'the id the key is known by (keystore://...); a signature whose keyid names another key is not tried (default: the SHA-256 of the key)')
      .option('--subject-digest <type:value>', 'a digest the VSA must be about (sha256:<hex>, gce_image_id:<id>); repeatable, all must be subjects', collect, [])
      .option('--verifier-id <uri>', 'expected verifier id (exact)')
      .option('--resource-uri <uri>', 'expected resource URI (exact)')
      .option('--verified-level <level>', 'a level the VSA must verify; SLSA_<TRACK>_LEVEL_<n> is met by any level >= n of that track, others exactly; repeatable', collect, [])
      .option('--print-attestation', 'print the decoded VSA statement (after the report; inside -o json as decodedStatement)', false)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(
        runner.action(async (ctx, flags: VsaFlags) => {
          const abs = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));
          const attPath = required(either(flags.attestation, flags.attestationPath, '--attestation or --attestation-path'), '--attestation', VSA_EXAMPLE);
          const keyPath = required(either(flags.key, flags.publicKeyPath, '--key or --public-key-path'), '--key', VSA_EXAMPLE);
          const verifierId = required(flags.verifierId, '--verifier-id', VSA_EXAMPLE);
          const resourceUri = required(flags.resourceUri, '--resource-uri', VSA_EXAMPLE);
          if (flags.subjectDigest.length === 0) required(undefined, '--subject-digest', VSA_EXAMPLE);
          const attestations = parseAttestations(await readInput(abs(attPath), attPath, 'attestation', MAX_ATTESTATION_BYTES), basename(attPath));
          const pem = (await readInput(abs(keyPath), keyPath, 'key', 64 * 1024)).toString('utf8');
          assertPublicKeyPem(pem, keyPath, 'PROVENANCE');
          const { keySha256, check } = createVsaKeyCheck({ pem, label: keyPath, trustedRoot: loadTrustedRoot() });
          const result = await checkVsa({
            attestations,
            expectations: { subjectDigests: flags.subjectDigest.map((d) => d.trim()), verifierId, resourceUri, verifiedLevels: flags.verifiedLevel.map((l) => l.trim()) },
            publicKeyId: flags.publicKeyId,
            publicKeySha256: keySha256,
            verifySignature: check,
            input: attPath,
          });
          ctx.io.signal.throwIfAborted();
          if (flags.output === 'json') {
            ctx.io.stdout.write(`${JSON.stringify(vsaJson(result, { printAttestation: flags.printAttestation, custodyVersion: CUSTODY_VERSION }), null, 2)}\n`);
            const failed = result.selected.checks.filter((c) => !c.ok).map((c) => c.claim);
            ctx.log.info(result.passed ? 'vsa: PASS' : `vsa: FAIL (${failed.join(', ')})`);
          } else {
            ctx.io.stdout.write(renderVsaReport(result, ctx.chalk));
            const st = result.selected.statement;
            if (flags.printAttestation && st) ctx.io.stdout.write(`\n${JSON.stringify({ _type: st.type, predicateType: st.predicateType, subject: st.subjects, predicate: st.predicate }, null, 2)}\n`);
          }
          return gateOutcome(!result.passed, []);
        }),
      );
    parent
      .command('check')
      .description('verify an attestation (signature first), that it is about the artifact, and each claim about its build')
      .argument('<artifact>', 'a file, a digest (sha256:<hex> or sha512:<hex>) or an image pinned by digest (registry:host/repo@sha256:...)')
      .option('--attestation <file>', 'Sigstore bundle, DSSE envelope, .intoto.jsonl, or npm attestations document (form sniffed from content)')
      .option('--bundle <file>', 'alias of --attestation')
      .option('--builder-id <id>', 'expected builder id; with @ref the version must match too (v1.2.3 also matches refs/tags/v1.2.3)')
      .option('--source-uri <uri>', 'expected source repository (github.com/org/repo; git+https://... is normalised)')
      .option('--source-tag <tag>', 'expected tag the build ran on (exact)')
      .option('--source-branch <branch>', 'expected branch the build ran on')
      .option('--source-versioned-tag <version>', 'semver prefix the tag must fall in (v1.2 accepts v1.2.3)')
      .option('--workflow <path>', 'expected workflow path in the source repository (.github/workflows/build.yml)')
      .option('--build-type <uri>', 'expected build type (exact)')
      .option('--predicate-type <uri>', 'expected predicate type (default: any SLSA provenance v0.1, v0.2 or v1)')
      .option('--trusted-root <file>', 'Sigstore trusted_root.json to use instead of the built-in public-good root')
      .option('--key <file>', 'PEM public key for key-signed attestations (cosign attest --key); repeatable, any one may have signed', collect, [])
      .option('--allow-missing-tlog', 'accept attestations without a transparency-log proof (bare DSSE envelopes): the signature and certificate chain (or key) are checked, log inclusion and signing time are not', false)
      .option(
        '--allow-no-transparency-log',
        "accept Sigstore bundles from a private Sigstore instance that has no transparency log and no CT log (GitHub's, for private repositories; pass its trusted root with --trusted-root): the certificate chain, signature and an RFC 3161 timestamp are checked, log inclusion and SCTs are not",
        false,
      )
      .option('--print-provenance', 'print the decoded in-toto statement (after the report; inside -o json as decodedStatement)', false)
      .option('--plain-http', 'use http for a registry (loopback registries)', false)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(
        runner.action(async (ctx, target: string, flags: ProvenanceFlags) => {
          if (flags.attestation !== undefined && flags.bundle !== undefined && flags.attestation !== flags.bundle) {
            throw new UsageError('PROVENANCE_TWO_ATTESTATIONS', 'give --attestation or its alias --bundle, not both', { hint: 'custody provenance check ./app --attestation app.intoto.jsonl --source-uri github.com/org/app' });
          }
          const attPath = flags.attestation ?? flags.bundle;
          const abs = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));
          let artifact: ArtifactRef;
          let attestations: Attestation[];
          let input: string;
          if (attPath === undefined) {
            if (!/^(registry|oci-dir|oci|oci-archive):/.test(target)) {
              throw new UsageError('PROVENANCE_NO_ATTESTATION', `no attestation given for ${target}`, {
                hint: 'pass --attestation FILE (a Sigstore bundle, DSSE envelope or .intoto.jsonl); attestations are discovered only for registry:HOST/REPO and oci-dir:PATH images',
              });
            }
            const found = await discoverImageAttestations(target, { plainHttp: flags.plainHttp, env: ctx.io.env, log: ctx.log, signal: ctx.io.signal, cwd: ctx.io.cwd });
            if (found.attestations.length === 0) {
              throw new InputError('PROVENANCE_NO_ATTESTATION_FOUND', `no attestation is attached to ${target} (no .att tag, no Sigstore bundle referrer)`, {
                hint: 'attach one with cosign attest, or pass --attestation FILE',
              });
            }
            ({ artifact, attestations, input } = found);
          } else {
            artifact = await resolveArtifact(target, ctx);
            const attBytes = await readInput(abs(attPath), attPath, 'attestation', MAX_ATTESTATION_BYTES);
            attestations = parseAttestations(attBytes, basename(attPath));
            input = attPath;
          }
          const roots = await loadRoots(flags.trustedRoot === undefined ? undefined : abs(flags.trustedRoot), flags.trustedRoot);
          const publicKeys = await Promise.all(flags.key.map(async (k) => ({ pem: (await readInput(abs(k), k, 'key', 64 * 1024)).toString('utf8'), label: k })));
          for (const k of publicKeys) assertPublicKeyPem(k.pem, k.label, 'PROVENANCE');
          const expectations: ProvenanceExpectations = {};
          for (const k of ['builderId', 'sourceUri', 'sourceTag', 'sourceBranch', 'sourceVersionedTag', 'workflow', 'buildType', 'predicateType'] as const) {
            const v = flags[k];
            if (v !== undefined) {
              if (v.trim() === '') throw new UsageError('PROVENANCE_EMPTY_FLAG', `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is empty`, { hint: 'give a value or leave the flag out' });
              expectations[k] = v.trim();
            }
          }
          const result = await checkProvenance({
            artifact,
            input,
            attestations,
            expectations,
            authenticate: anyRoot(roots.map((trustedRoot) => createAuthenticator({ trustedRoot, allowMissingTlog: flags.allowMissingTlog, noTransparencyLog: flags.allowNoTransparencyLog, publicKeys }))),
          });
          // Interrupted: no verdict.
          ctx.io.signal.throwIfAborted();
          if (flags.output === 'json') {
            ctx.io.stdout.write(`${JSON.stringify(provenanceJson(result, { printProvenance: flags.printProvenance, custodyVersion: CUSTODY_VERSION }), null, 2)}\n`);
          } else {
            ctx.io.stdout.write(renderProvenanceReport(result, ctx.chalk));
            if (flags.printProvenance && result.selected.statement) {
              ctx.io.stdout.write(`\n${JSON.stringify(statementJson(result.selected.statement), null, 2)}\n`);
            }
          }
          if (flags.output === 'json') {
            const failed = result.selected.checks.filter((c) => !c.ok).map((c) => c.claim);
            ctx.log.info(result.passed ? 'provenance: PASS' : `provenance: FAIL (${failed.join(', ')})`);
          }
          return gateOutcome(!result.passed, []);
        }),
      );
  },
};
