/**
 * Identity policy, as cosign: `--certificate-identity[-regexp]` and `--certificate-oidc-issuer[-regexp]`.
 * Regular expressions are anchored at both ends whatever the user wrote (`repo/` never matches `evil/repo/x`).
 */
import { createPublicKey } from 'node:crypto';
import { InputError, UsageError, errorMessage } from '../core/errors.js';
import type { IdentityPolicy, StringMatcher, VerifyCheck } from './model.js';

/** Compile a matcher; a regexp is wrapped as `^(?:...)$`. @throws UsageError VERIFY_BAD_REGEXP */
export function compileMatcher(m: StringMatcher, flag: string): (value: string) => boolean {
  if ('exact' in m) return (v) => v === m.exact;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.regexp})$`, 'u');
  } catch (err) {
    throw new UsageError('VERIFY_BAD_REGEXP', `${flag} ${JSON.stringify(m.regexp)} is not a valid regular expression`, {
      hint: 'use JavaScript regular expression syntax; it is anchored at both ends for you',
      cause: err,
    });
  }
  return (v) => re.test(v);
}

export function describeMatcher(m: StringMatcher): string {
  return 'exact' in m ? m.exact : `/^(?:${m.regexp})$/`;
}

/** Check the certificate identity and issuer against the policy; returns two checks. */
export function checkIdentity(policy: IdentityPolicy, identity: string | undefined, issuer: string | undefined): VerifyCheck[] {
  const idOk = identity !== undefined && compileMatcher(policy.identity, '--certificate-identity-regexp')(identity);
  const isOk = issuer !== undefined && compileMatcher(policy.issuer, '--certificate-oidc-issuer-regexp')(issuer);
  const what = (m: StringMatcher): string => ('exact' in m ? `identity ${m.exact}` : `identity matching ${describeMatcher(m)}`);
  const whatIss = (m: StringMatcher): string => ('exact' in m ? `issuer ${m.exact}` : `issuer matching ${describeMatcher(m)}`);
  return [
    {
      name: 'identity',
      ok: idOk,
      detail: idOk
        ? `certificate identity ${identity ?? ''} matches`
        : `expected ${what(policy.identity)}, certificate says ${identity ?? '(no subject alternative name)'}`,
    },
    {
      name: 'issuer',
      ok: isOk,
      detail: isOk
        ? `OIDC issuer ${issuer ?? ''} matches`
        : `expected ${whatIss(policy.issuer)}, certificate says ${issuer ?? '(no issuer extension)'}`,
    },
  ];
}

/**
 * Check that `pem` is a public key custody can verify with (ECDSA P-256/384/521, Ed25519, RSA), and is
 * what it claims: a private key (which `createPublicKey` would quietly turn into its public half), a
 * certificate (whose key it would quietly extract) or anything else than one PEM public key is refused,
 * so a mix-up of files is caught rather than verified against.
 * @throws InputError `<prefix>_KEY_IS_PRIVATE`, `<prefix>_KEY_IS_CERTIFICATE`, `<prefix>_BAD_KEY` naming `label`
 */
export function assertPublicKeyPem(pem: string, label: string, prefix = 'VERIFY'): void {
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]!);
  if (blocks.some((b) => b.includes('PRIVATE KEY'))) {
    throw new InputError(`${prefix}_KEY_IS_PRIVATE`, `${label} is a private key (${blocks.find((b) => b.includes('PRIVATE KEY'))}), not a public key`, {
      hint: 'pass the public key (cosign.pub, or: openssl pkey -in KEY -pubout); a verifier never needs the private key, so keep it out of CI',
    });
  }
  if (blocks.some((b) => b === 'CERTIFICATE' || b === 'TRUSTED CERTIFICATE' || b === 'X509 CERTIFICATE')) {
    throw new InputError(`${prefix}_KEY_IS_CERTIFICATE`, `${label} is a certificate, not a public key`, {
      hint: prefix === 'VERIFY'
        ? 'a cosign sign-blob certificate goes with --certificate (and --certificate-identity/--certificate-oidc-issuer); for a key pass the PEM public key'
        : 'pass the PEM public key (-----BEGIN PUBLIC KEY-----); certificates are checked against the trusted root',
    });
  }
  if (!blocks.some((b) => b === 'PUBLIC KEY' || b === 'RSA PUBLIC KEY') || blocks.length !== 1) {
    throw new InputError(`${prefix}_BAD_KEY`, `${label} is not a PEM public key${blocks.length === 0 ? ' (no -----BEGIN PUBLIC KEY----- block)' : ` (it holds ${blocks.join(', ')})`}`, {
      hint: 'pass one PEM public key (-----BEGIN PUBLIC KEY-----), e.g. cosign.pub',
    });
  }
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const k = createPublicKey(pem);
    type = k.asymmetricKeyType;
    curve = k.asymmetricKeyDetails?.namedCurve;
  } catch (err) {
    throw new InputError(`${prefix}_BAD_KEY`, `public key ${label} cannot be read: ${errorMessage(err)}`, {
      hint: 'pass a PEM public key (-----BEGIN PUBLIC KEY-----), e.g. cosign.pub',
      cause: err,
    });
  }
  const ok = type === 'ed25519' || type === 'rsa' || (type === 'ec' && ['prime256v1', 'secp384r1', 'secp521r1'].includes(curve ?? ''));
  if (!ok) {
    throw new InputError(`${prefix}_BAD_KEY`, `public key ${label} is ${type ?? '?'}${curve ? ` ${curve}` : ''}, which custody does not verify with`, {
      hint: 'use an ECDSA P-256/P-384/P-521, Ed25519 or RSA key',
    });
  }
}
