import { arch } from 'node:os';
import { InputError, UsageError } from '../core/errors.js';
import type { Platform } from '../sbom/model.js';

/** Node's arch names to OCI's (GOARCH). */
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** The platform of this machine in OCI terms ('linux/amd64'). */
export function hostPlatform(): Platform {
  const a = arch();
  return a === 'arm' ? { os: 'linux', architecture: 'arm', variant: 'v7' } : { os: 'linux', architecture: ARCH[a] ?? a };
}

/** Parse 'os/arch[/variant]'. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new UsageError('SOURCE_BAD_PLATFORM', `cannot read the platform '${text}'`, { hint: "write it as os/arch[/variant], e.g. linux/amd64 or linux/arm/v7" });
  }
  return parts[2] === undefined ? { os: parts[0]!, architecture: parts[1]! } : { os: parts[0]!, architecture: parts[1]!, variant: parts[2] };
}

export function formatPlatform(p: Platform): string {
  return p.variant === undefined ? `${p.os}/${p.architecture}` : `${p.os}/${p.architecture}/${p.variant}`;
}

/** Does an image's platform satisfy the wanted one? A missing variant matches any (arm64 ≈ arm64/v8). */
export function platformMatches(have: Partial<Platform>, want: Platform): boolean {
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  if (want.variant === undefined || have.variant === undefined) return true;
  return have.variant === want.variant;
}

/**
 * An explicit `--platform` against the image actually picked (a single-platform archive or layout, or
 * the manifest an index pointed at): a mismatch is SOURCE_PLATFORM_NOT_FOUND listing what the image
 * is, never a silent SBOM of another platform. Without `--platform` any platform is accepted (the
 * host's is only a default for choosing inside an index).
 */
export function checkImagePlatform(have: Platform | undefined, wanted: string | undefined, label: string): void {
  if (wanted === undefined) return;
  const want = parsePlatform(wanted);
  if (have !== undefined && platformMatches(have, want)) return;
  throw new InputError('SOURCE_PLATFORM_NOT_FOUND', `${label} has no image for ${formatPlatform(want)} (it has: ${have === undefined ? 'one image that declares no platform' : formatPlatform(have)})`, {
    hint: have === undefined ? 'drop --platform to read the image it holds' : `drop --platform, or pass --platform ${formatPlatform(have)}`,
  });
}
