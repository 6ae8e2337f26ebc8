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
 * Check that `pem` is a public key custody can verify with (ECDSA P-256/384/521, Ed25519, RSA).
 * @throws InputError VERIFY_BAD_KEY naming `label`
 */
export function assertPublicKeyPem(pem: string, label: string): void {
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const k = createPublicKey(pem);
    type = k.asymmetricKeyType;
    curve = k.asymmetricKeyDetails?.namedCurve;
  } catch (err) {
    throw new InputError('VERIFY_BAD_KEY', `public key ${label} cannot be read: ${errorMessage(err)}`, {
      hint: 'pass a PEM public key (-----BEGIN PUBLIC KEY-----), e.g. cosign.pub',
      cause: err,
    });
  }
  const ok = type === 'ed25519' || type === 'rsa' || (type === 'ec' && ['prime256v1', 'secp384r1', 'secp521r1'].includes(curve ?? ''));
  if (!ok) {
    throw new InputError('VERIFY_BAD_KEY', `public key ${label} is ${type ?? '?'}${curve ? ` ${curve}` : ''}, which custody does not verify with`, {
      hint: 'use an ECDSA P-256/P-384/P-521, Ed25519 or RSA key',
    });
  }
}
