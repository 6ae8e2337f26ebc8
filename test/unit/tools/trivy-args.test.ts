import { describe, expect, it } from 'vitest';
import { syftScanArgs, TRIVY_OFFLINE_FLAGS, trivySbomArgs, wantsJavaDb } from '../../../src/tools/index.js';

describe('trivy SBOM argv', () => {
  it('image archives and OCI layouts go through --input, with every offline flag', () => {
    const args = trivySbomArgs({ kind: 'image-input', path: '/tmp/app.tar' }, { timeoutMs: 60_000 });
    expect(args.slice(0, 1)).toEqual(['image']);
    for (const f of ['--offline-scan', '--skip-db-update', '--skip-java-db-update', '--no-progress']) expect(args).toContain(f);
    expect(args.join(' ')).toContain('--format cyclonedx');
    expect(args.join(' ')).toContain('--timeout 60s');
    expect(args.slice(-2)).toEqual(['--input', '/tmp/app.tar']);
    // Never a policy or a vulnerability scan: custody applies its own.
    expect(args).not.toContain('--exit-code');
    expect(args).not.toContain('--scanners');
  });

  it('registry images are pulled by trivy itself (the user asked for the network)', () => {
    expect(trivySbomArgs({ kind: 'image-remote', ref: '127.0.0.1:5000/x:1', insecure: true }, { platform: 'linux/arm64' })).toEqual([
      'image', ...TRIVY_OFFLINE_FLAGS, '--platform', 'linux/arm64', '--image-src', 'remote', '--insecure', '127.0.0.1:5000/x:1',
    ]);
  });

  it('root filesystems use rootfs, project directories fs', () => {
    expect(trivySbomArgs({ kind: 'rootfs', path: '/r' })).toEqual(['rootfs', ...TRIVY_OFFLINE_FLAGS, '/r']);
    expect(trivySbomArgs({ kind: 'fs', path: '/p' })).toEqual(['fs', ...TRIVY_OFFLINE_FLAGS, '/p']);
  });

  it('recognises trivy asking for its Java DB (real trivy stderr)', () => {
    const real =
      "2026-11-28T12:45:15.632Z\tERROR\tThe first run cannot skip downloading Java DB\n2026-11-28T12:45:15.632Z\tERROR\tUnable to initialize the Java DB: Java DB update failed: Java DB update error: '--skip-java-db-update' cannot be specified on the first run\n";
    expect(wantsJavaDb(real)).toBe(true);
    expect(wantsJavaDb('2026-11-28T12:44:10.448Z\tINFO\t"--format cyclonedx" disables security scanning.')).toBe(false);
  });

  it('syft scans with syft-json, quietly', () => {
    expect(syftScanArgs('docker-archive:/a.tar')).toEqual(['scan', 'docker-archive:/a.tar', '-o', 'syft-json']);
    expect(syftScanArgs('registry:r/x:1', { platform: 'linux/amd64' })).toEqual(['scan', 'registry:r/x:1', '-o', 'syft-json', '--platform', 'linux/amd64']);
  });
});
