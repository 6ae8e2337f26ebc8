/**
 * `custody verify <subject>`: Sigstore bundles, cosign detached signatures and image signatures, offline.
 * Parses flags, calls verify/, renders with report/human/verify.ts or `-o json`, and derives the exit code:
 * 0 verified, 1 not verified, 3 malformed input (result.error), 2 usage, 5 registry/TUF failure.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ExitCode, InputError, UsageError } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';
import { renderTrustSummary, renderVerifyReport } from '../report/human/verify.js';
import {
  IMAGE_REF,
  assertPublicKeyPem,
  loadTrustedRoot,
  openImageSignatureStore,
  parseSignatureFile,
  refreshTrustedRoot,
  verifyBundle,
  verifyDetachedSignature,
  verifyImageSignatures,
  verifyResultJson,
  type ArtifactInput,
  type TrustedRootHandle,
  type VerifyPolicy,
  type VerifyResult,
} from '../verify/index.js';
import type { CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { gateOutcome } from './outcome.js';

interface VerifyFlags {
  bundle?: string;
  signature?: string;
  certificate?: string;
  key?: string;
  keyValidFrom?: string;
  keyValidUntil?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  trustedRoot?: string;
  tufRefresh: boolean;
  showTrust: boolean;
  insecureIgnoreTlog: boolean;
  plainHttp: boolean;
  output: 'table' | 'json';
}

const MAX_INPUT = 64 << 20;
const MAX_SMALL = 8 << 20;

/** A named input file: missing, permission denied, a directory, too large each have their code (VERIFY_INPUT_*). */
async function readInput(ctx: CommandContext, path: string, what: string, max: number): Promise<Buffer> {
  const p = isAbsolute(path) ? path : resolve(ctx.io.cwd, path);
  return readInputFile(p, { prefix: 'VERIFY_INPUT', what, shown: path, maxBytes: max });
}

function policyFrom(flags: VerifyFlags, keyPem: string | undefined): VerifyPolicy {
  const identityGiven = flags.certificateIdentity !== undefined || flags.certificateIdentityRegexp !== undefined;
  const issuerGiven = flags.certificateOidcIssuer !== undefined || flags.certificateOidcIssuerRegexp !== undefined;
  if (flags.certificateIdentity !== undefined && flags.certificateIdentityRegexp !== undefined) {
    throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--certificate-identity and --certificate-identity-regexp exclude each other', { hint: 'give one of them' });
  }
  if (flags.certificateOidcIssuer !== undefined && flags.certificateOidcIssuerRegexp !== undefined) {
    throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--certificate-oidc-issuer and --certificate-oidc-issuer-regexp exclude each other', { hint: 'give one of them' });
  }
  if (keyPem !== undefined) {
    if (identityGiven || issuerGiven) {
      throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--key excludes the --certificate-identity/--certificate-oidc-issuer flags', { hint: 'use --key for key-based signatures, the identity flags for keyless ones' });
    }
    const validFrom = keyTime(flags.keyValidFrom, '--key-valid-from');
    const validUntil = keyTime(flags.keyValidUntil, '--key-valid-until');
    if (validFrom && validUntil && validFrom > validUntil) {
      throw new UsageError('VERIFY_BAD_KEY_WINDOW', `--key-valid-from ${flags.keyValidFrom ?? ''} is after --key-valid-until ${flags.keyValidUntil ?? ''}`, { hint: 'the window is [from, until]' });
    }
    return { kind: 'key', publicKeyPem: keyPem, ...(validFrom ? { validFrom } : {}), ...(validUntil ? { validUntil } : {}) };
  }
  if (flags.keyValidFrom !== undefined || flags.keyValidUntil !== undefined) {
    throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--key-valid-from/--key-valid-until need --key', { hint: 'they bound when the key given with --key may have signed' });
  }
  if (!identityGiven || !issuerGiven) {
    throw new UsageError('VERIFY_NO_IDENTITY_POLICY', `keyless verification needs ${!identityGiven ? 'an identity' : 'an OIDC issuer'}: a valid certificate alone says nothing about who signed`, {
      hint: 'add --certificate-identity (or --certificate-identity-regexp) and --certificate-oidc-issuer (or -regexp), e.g. --certificate-identity https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1.0.0 --certificate-oidc-issuer https://token.actions.githubusercontent.com; or --key cosign.pub',
    });
  }
  return {
    kind: 'identity',
    identity: flags.certificateIdentity !== undefined ? { exact: flags.certificateIdentity } : { regexp: flags.certificateIdentityRegexp as string },
    issuer: flags.certificateOidcIssuer !== undefined ? { exact: flags.certificateOidcIssuer } : { regexp: flags.certificateOidcIssuerRegexp as string },
  };
}

/** An ISO 8601 date-time for the key validity window, or undefined when the flag is absent. */
function keyTime(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    throw new UsageError('VERIFY_BAD_TIME', `${flag} ${value} is not an ISO 8601 date or date-time`, { hint: 'e.g. 2025-01-31 or 2025-01-31T12:00:00Z' });
  }
  return d;
}

/** `sha256:<64 hex>` / `sha512:<128 hex>` subjects. */
export function parseDigestSubject(s: string): ArtifactInput | undefined {
  const m = /^(sha256|sha512):([0-9a-fA-F]+)$/.exec(s);
  if (!m) return undefined;
  const algorithm = m[1] as 'sha256' | 'sha512';
  const hex = (m[2] as string).toLowerCase();
  if (hex.length !== (algorithm === 'sha256' ? 64 : 128)) {
    throw new UsageError('VERIFY_BAD_DIGEST', `${s} is not a ${algorithm} digest (${algorithm === 'sha256' ? 64 : 128} hex digits)`, { hint: 'pass the file itself, or its full digest' });
  }
  return { digest: { algorithm, hex } };
}

async function trustedRootFor(ctx: CommandContext, flags: VerifyFlags): Promise<TrustedRootHandle> {
  if (flags.trustedRoot !== undefined && flags.tufRefresh) {
    throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--trusted-root and --tuf-refresh exclude each other', { hint: '--tuf-refresh fetches the public-good root; --trusted-root uses yours' });
  }
  if (flags.tufRefresh) {
    ctx.log.info('refreshing the public-good trusted root over TUF (network)');
    const cache = ctx.io.env.CUSTODY_TUF_CACHE ?? join(ctx.io.env.XDG_CACHE_HOME ?? join(ctx.io.env.HOME ?? homedir(), '.cache'), 'custody', 'tuf');
    return refreshTrustedRoot(cache);
  }
  if (flags.trustedRoot !== undefined) return loadTrustedRoot(isAbsolute(flags.trustedRoot) ? flags.trustedRoot : resolve(ctx.io.cwd, flags.trustedRoot));
  return loadTrustedRoot();
}

async function runVerify(ctx: CommandContext, subject: string, flags: VerifyFlags): Promise<VerifyResult> {
  const isImage = IMAGE_REF.test(subject);
  const given = [flags.bundle !== undefined, flags.signature !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--bundle and --signature exclude each other', { hint: 'a Sigstore bundle already carries its signature' });
  if (isImage && given > 0) throw new UsageError('VERIFY_CONFLICTING_FLAGS', `${subject} is an image: its signatures are discovered in the registry or layout`, { hint: 'drop --bundle/--signature' });
  if (!isImage && given === 0) {
    throw new UsageError('VERIFY_NO_SIGNATURE', `nothing to verify ${subject} with`, { hint: 'pass --bundle FILE (a Sigstore bundle) or --signature FILE (cosign sign-blob), or give an image (registry:HOST/REPO@sha256:..., oci-dir:PATH)' });
  }
  if (flags.certificate !== undefined && flags.signature === undefined) {
    throw new UsageError('VERIFY_CONFLICTING_FLAGS', '--certificate goes with --signature', { hint: 'a bundle carries its own certificate' });
  }
  const keyPem = flags.key !== undefined ? (await readInput(ctx, flags.key, 'public key', MAX_SMALL)).toString('utf8') : undefined;
  if (keyPem !== undefined) assertPublicKeyPem(keyPem, flags.key as string);
  const policy = policyFrom(flags, keyPem);
  if (flags.signature !== undefined && keyPem === undefined && flags.certificate === undefined) {
    throw new UsageError('VERIFY_NO_SIGNATURE', '--signature needs --key or --certificate', { hint: 'cosign sign-blob writes the certificate with --output-certificate' });
  }
  const trustedRoot = await trustedRootFor(ctx, flags);
  const options = { allowMissingTlog: flags.insecureIgnoreTlog };

  if (isImage) {
    const store = await openImageSignatureStore(subject, { cwd: ctx.io.cwd, plainHttp: flags.plainHttp, env: ctx.io.env, log: ctx.log, signal: ctx.io.signal });
    return verifyImageSignatures({ store, policy, trustedRoot, options });
  }
  let artifact = parseDigestSubject(subject);
  if (artifact === undefined) artifact = { bytes: await readInput(ctx, subject, 'artifact', MAX_INPUT) };
  if (flags.bundle !== undefined) {
    const text = (await readInput(ctx, flags.bundle, 'bundle', MAX_SMALL)).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InputError('VERIFY_BUNDLE_MALFORMED', `bundle ${flags.bundle} is not JSON`, { hint: 'pass the .sigstore.json bundle written by cosign or a Sigstore client', cause: err });
    }
    return verifyBundle({ bundle: json, artifact, policy, trustedRoot, subject, source: flags.bundle, options });
  }
  const sig = parseSignatureFile(await readInput(ctx, flags.signature as string, 'signature', MAX_SMALL), flags.signature as string);
  const cert = flags.certificate !== undefined ? await readInput(ctx, flags.certificate, 'certificate', MAX_SMALL) : undefined;
  return verifyDetachedSignature({
    signature: sig,
    ...(cert ? { certificate: cert } : {}),
    artifact,
    policy,
    trustedRoot,
    subject,
    source: flags.signature as string,
    options,
  });
}

export const verifyCommand: CommandModule = {
  register(program: Command, runner) {
    program
      .command('verify')
      .description('verify Sigstore bundles, cosign signatures and image signatures offline, against a pinned trusted root')
      .argument('[subject]', 'a file, a sha256:/sha512: digest, or an image (registry:HOST/REPO@sha256:..., oci-dir:PATH[:TAG])')
      .option('--bundle <file>', 'Sigstore bundle (v0.1, v0.2, v0.3; message signature or DSSE)')
      .option('--signature <file>', 'cosign sign-blob detached signature (base64); with --key or --certificate')
      .option('--certificate <file>', 'PEM signing certificate for --signature')
      .option('--key <file>', 'PEM public key for key-based signatures (ECDSA P-256/384/521, Ed25519, RSA)')
      .option('--key-valid-from <time>', 'with --key: trust the key only for signing times (log time, RFC 3161 timestamp) from this ISO 8601 time')
      .option('--key-valid-until <time>', 'with --key: trust the key only for signing times up to this ISO 8601 time (a rotated or revoked key)')
      .option('--certificate-identity <id>', 'expected certificate identity (SAN), exact')
      .option('--certificate-identity-regexp <re>', 'expected certificate identity as a regular expression, ALWAYS anchored at both ends (^(?:re)$) whatever you write')
      .option('--certificate-oidc-issuer <url>', 'expected OIDC issuer, exact')
      .option('--certificate-oidc-issuer-regexp <re>', 'expected OIDC issuer as a regular expression, ALWAYS anchored at both ends')
      .option('--trusted-root <file>', 'trusted_root.json replacing the built-in public-good root (private instances, staging)')
      .option('--tuf-refresh', 'fetch the current public-good root over TUF (network) instead of the built-in snapshot', false)
      .option('--show-trust', 'print the trusted root in use (date and contents) and exit', false)
      .option('--insecure-ignore-tlog', 'accept keyless signatures without a transparency-log proof (reported as not checked)', false)
      .option('--plain-http', 'talk HTTP, not HTTPS, to the registry (loopback/test registries)', false)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
      .addHelpText('after', `
Exit codes: 0 verified, 1 not verified, 2 usage, 3 malformed or unreadable input, 5 registry/TUF unreachable.
Keyless verification needs an identity and an issuer policy (as cosign). Regular expressions are anchored:
--certificate-identity-regexp 'https://github.com/org/' matches nothing but that exact string.

Examples:
  custody verify app.tgz --bundle app.tgz.sigstore.json --certificate-identity https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1.2.0 --certificate-oidc-issuer https://token.actions.githubusercontent.com
  custody verify sha256:a0cf...01bf --bundle b.json --certificate-identity-regexp 'https://github.com/org/.*' --certificate-oidc-issuer https://token.actions.githubusercontent.com
  custody verify ./file --signature file.sig --key cosign.pub
  custody verify registry:127.0.0.1:5000/app@sha256:... --key cosign.pub --plain-http
  custody verify --show-trust`)
      .action(
        runner.action(async (ctx, subject: string | undefined, flags: VerifyFlags) => {
          if (flags.showTrust) {
            const root = await trustedRootFor(ctx, flags);
            ctx.io.stdout.write(flags.output === 'json' ? `${JSON.stringify(root.summary, null, 2)}\n` : renderTrustSummary(root.summary, ctx.chalk));
            return ExitCode.Ok;
          }
          if (subject === undefined) {
            throw new UsageError('VERIFY_NO_SUBJECT', 'name what to verify', { hint: 'custody verify FILE --bundle FILE.sigstore.json --certificate-identity ... --certificate-oidc-issuer ...' });
          }
          const r = await runVerify(ctx, subject, flags);
          // Interrupted: no verdict (a check that failed only because it was aborted is not an answer).
          ctx.io.signal.throwIfAborted();
          ctx.io.stdout.write(flags.output === 'json' ? `${JSON.stringify(verifyResultJson(r), null, 2)}\n` : renderVerifyReport(r, ctx.chalk));
          if (r.error) {
            ctx.log.warn(`${r.error.message}`);
            return ExitCode.Input;
          }
          if (flags.output === 'json') ctx.log.info(r.verified ? `verified ${r.subject}` : `NOT verified: ${r.subject}`);
          // Nothing here is "incomplete": a pass is proven by the signature that verified, anything unread fails closed.
          return gateOutcome(!r.verified, []);
        }),
      );
  },
};
