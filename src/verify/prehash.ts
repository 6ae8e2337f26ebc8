/**
 * Verify a signature when only the artifact's digest is known (`custody verify sha256:... --bundle b.json`).
 * Node's crypto hashes the message itself, so for a digest subject we verify "prehashed":
 * ECDSA (P-256/384/521) with a small BigInt implementation of the verification equation (FIPS 186-5 6.4.2),
 * RSA PKCS#1 v1.5 by recovering the DigestInfo with the public key. Ed25519 signs the whole message and
 * cannot be checked from a digest: that is reported, never passed.
 */
import { constants, publicDecrypt, type KeyObject } from 'node:crypto';

interface Curve {
  p: bigint;
  n: bigint;
  a: bigint;
  gx: bigint;
  gy: bigint;
  bits: number;
}

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    a: -3n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bits: 256,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    a: -3n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bits: 384,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    a: -3n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    bits: 521,
  },
};

type Point = { x: bigint; y: bigint } | null;

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(s0, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (P === null) return Q;
  if (Q === null) return P;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    const l = mod((3n * P.x * P.x + c.a) * inv(2n * P.y, c.p), c.p);
    const x = mod(l * l - 2n * P.x, c.p);
    return { x, y: mod(l * (P.x - x) - P.y, c.p) };
  }
  const l = mod((Q.y - P.y) * inv(Q.x - P.x, c.p), c.p);
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

/** u1*G + u2*Q by simultaneous double-and-add (Shamir's trick). */
function mul2(c: Curve, u1: bigint, G: Point, u2: bigint, Q: Point): Point {
  const GQ = add(c, G, Q);
  let R: Point = null;
  const n = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = n - 1; i >= 0; i--) {
    R = add(c, R, R);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 && b2) R = add(c, R, GQ);
    else if (b1) R = add(c, R, G);
    else if (b2) R = add(c, R, Q);
  }
  return R;
}

const big = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));

/** Parse a DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }); undefined when malformed. */
function parseDerSignature(sig: Buffer): { r: bigint; s: bigint } | undefined {
  let i = 0;
  const len = (): number | undefined => {
    const b = sig[i++];
    if (b === undefined) return undefined;
    if (b < 0x80) return b;
    const n = b & 0x7f;
    if (n === 0 || n > 2) return undefined;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const x = sig[i++];
      if (x === undefined) return undefined;
      v = v * 256 + x;
    }
    return v;
  };
  if (sig[i++] !== 0x30) return undefined;
  const total = len();
  if (total === undefined || i + total !== sig.length) return undefined;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (sig[i++] !== 0x02) return undefined;
    const l = len();
    if (l === undefined || l === 0 || i + l > sig.length) return undefined;
    ints.push(big(sig.subarray(i, i + l)));
    i += l;
  }
  if (i !== sig.length) return undefined;
  return { r: ints[0] as bigint, s: ints[1] as bigint };
}

const DIGEST_INFO_PREFIX: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

export type PrehashOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Verify `signature` over a message whose `algorithm` digest is `digest`, with `key`.
 * Never throws; anything unsupported is `{ ok: false, reason }`.
 */
export function verifyPrehashed(key: KeyObject, algorithm: 'sha256' | 'sha384' | 'sha512', digest: Buffer, signature: Buffer): PrehashOutcome {
  try {
    switch (key.asymmetricKeyType) {
      case 'ec': {
        const jwk = key.export({ format: 'jwk' });
        const curve = jwk.crv === undefined ? undefined : CURVES[jwk.crv];
        if (curve === undefined || jwk.x === undefined || jwk.y === undefined) return { ok: false, reason: `unsupported EC curve ${jwk.crv ?? '?'}` };
        const parsed = parseDerSignature(signature);
        if (!parsed) return { ok: false, reason: 'signature is not a DER ECDSA signature' };
        const { r, s } = parsed;
        if (r <= 0n || r >= curve.n || s <= 0n || s >= curve.n) return { ok: false, reason: 'signature values out of range' };
        let e = big(digest);
        const dbits = digest.length * 8;
        if (dbits > curve.bits) e >>= BigInt(dbits - curve.bits);
        const w = inv(s, curve.n);
        const Q = { x: big(Buffer.from(jwk.x, 'base64url')), y: big(Buffer.from(jwk.y, 'base64url')) };
        const X = mul2(curve, mod(e * w, curve.n), { x: curve.gx, y: curve.gy }, mod(r * w, curve.n), Q);
        if (X === null) return { ok: false, reason: 'signature does not verify' };
        return mod(X.x, curve.n) === r ? { ok: true } : { ok: false, reason: 'signature does not verify' };
      }
      case 'rsa': {
        const prefix = DIGEST_INFO_PREFIX[algorithm];
        if (prefix === undefined) return { ok: false, reason: `unsupported digest ${algorithm}` };
        let recovered: Buffer;
        try {
          recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
        } catch {
          return { ok: false, reason: 'signature does not verify' };
        }
        const expected = Buffer.concat([Buffer.from(prefix, 'hex'), digest]);
        return recovered.equals(expected) ? { ok: true } : { ok: false, reason: 'signature does not verify' };
      }
      case 'ed25519':
      case 'ed448':
        return { ok: false, reason: 'an Ed25519 signature covers the whole artifact and cannot be checked from its digest: pass the file instead' };
      default:
        return { ok: false, reason: `unsupported key type ${key.asymmetricKeyType ?? '?'}` };
    }
  } catch (err) {
    return { ok: false, reason: `signature check failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
