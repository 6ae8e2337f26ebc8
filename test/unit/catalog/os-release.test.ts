/**
 * Distro detection for the families custody meets. The os-release and release-file texts are those the
 * distributions ship (abridged to the lines that matter, fields as in their images).
 */
import { describe, expect, it } from 'vitest';
import { detectDistro, distroQualifier, globsFor, parseReleaseFile, RELEASE_FILE_PATHS } from '../../../src/catalog/index.js';
import { rpmDbCataloger } from '../../../src/catalog/rpm/index.js';
import { rpmNamespace } from '../../../src/catalog/rpm/package.js';
import { createMemoryResolver, type MemoryFile } from '../../../src/source/index.js';

const OS_RELEASE: Record<string, string> = {
  'ubi8 (rhel)': 'NAME="Red Hat Enterprise Linux"\nVERSION="8.9 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.9"\nPLATFORM_ID="platform:el8"\nPRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"\nCPE_NAME="cpe:/o:redhat:enterprise_linux:8::baseos"\n',
  'centos 7': 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nCPE_NAME="cpe:/o:centos:centos:7"\n',
  'rocky 8': 'NAME="Rocky Linux"\nVERSION="8.9 (Green Obsidian)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="Rocky Linux 8.9 (Green Obsidian)"\n',
  'alma 8': 'NAME="AlmaLinux"\nVERSION="8.9 (Midnight Oncilla)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="AlmaLinux 8.9 (Midnight Oncilla)"\n',
  'oracle 8': 'NAME="Oracle Linux Server"\nVERSION="8.9"\nID="ol"\nID_LIKE="fedora"\nVARIANT="Server"\nVARIANT_ID="server"\nVERSION_ID="8.9"\nPRETTY_NAME="Oracle Linux Server 8.9"\n',
  'amazon linux 2': 'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\nPRETTY_NAME="Amazon Linux 2"\n',
  'amazon linux 2023': 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.3.20240108"\n',
  'fedora 39': 'NAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n',
  'sles 15 (bci)': 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\nID="sles"\nID_LIKE="suse"\nCPE_NAME="cpe:/o:suse:sles:15:sp5"\n',
  'opensuse leap': 'NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.5"\nPRETTY_NAME="openSUSE Leap 15.5"\n',
  'opensuse tumbleweed': 'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20240101"\nPRETTY_NAME="openSUSE Tumbleweed"\n',
  'photon 5': 'NAME="VMware Photon OS"\nVERSION="5.0"\nID=photon\nVERSION_ID=5.0\nPRETTY_NAME="VMware Photon OS/Linux"\n',
  'cbl-mariner 2': 'NAME="Common Base Linux Mariner"\nVERSION="2.0.20240123"\nID=mariner\nVERSION_ID="2.0"\nPRETTY_NAME="CBL-Mariner/Linux"\n',
  'azure linux 3': 'NAME="Microsoft Azure Linux"\nVERSION="3.0.20240727"\nID=azurelinux\nVERSION_ID="3.0"\nPRETTY_NAME="Microsoft Azure Linux 3.0"\n',
  wolfi: 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\nHOME_URL="https://wolfi.dev"\n',
  chainguard: 'ID=chainguard\nNAME="Chainguard"\nPRETTY_NAME="Chainguard"\nVERSION_ID="20230214"\n',
  'alpine 3.19': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
};

async function detect(files: Record<string, string>): Promise<ReturnType<typeof detectDistro>> {
  const mem: MemoryFile[] = Object.entries(files).map(([path, content]) => ({ path, content }));
  return detectDistro(createMemoryResolver(mem));
}

describe('distro detection', () => {
  it.each([
    ['ubi8 (rhel)', 'rhel-8.9', 'redhat'],
    ['centos 7', 'centos-7', 'centos'],
    ['rocky 8', 'rocky-8.9', 'rocky'],
    ['alma 8', 'almalinux-8.9', 'almalinux'],
    ['oracle 8', 'ol-8.9', 'ol'],
    ['amazon linux 2', 'amzn-2', 'amzn'],
    ['amazon linux 2023', 'amzn-2023', 'amzn'],
    ['fedora 39', 'fedora-39', 'fedora'],
    ['sles 15 (bci)', 'sles-15.5', 'sles'],
    ['opensuse leap', 'opensuse-leap-15.5', 'opensuse'],
    ['opensuse tumbleweed', 'opensuse-tumbleweed-20240101', 'opensuse'],
    ['photon 5', 'photon-5.0', 'photon'],
    ['cbl-mariner 2', 'mariner-2.0', 'mariner'],
    ['azure linux 3', 'azurelinux-3.0', 'azurelinux'],
    ['wolfi', 'wolfi-20230201', 'wolfi'],
    ['chainguard', 'chainguard-20230214', 'chainguard'],
    ['alpine 3.19', 'alpine-3.19.1', 'alpine'],
  ])('%s from os-release: distro=%s, rpm namespace %s', async (name, qualifier, namespace) => {
    const d = await detect({ '/etc/os-release': OS_RELEASE[name]! });
    expect(distroQualifier(d)).toBe(qualifier);
    expect(rpmNamespace(d)).toBe(namespace);
  });

  it('/usr/lib/os-release when /etc/os-release is absent', async () => {
    expect(distroQualifier(await detect({ '/usr/lib/os-release': OS_RELEASE['centos 7']! }))).toBe('centos-7');
  });

  it.each([
    ['CentOS 6 (redhat-release, no os-release)', { '/etc/redhat-release': 'CentOS release 6.10 (Final)\n', '/etc/system-release-cpe': 'cpe:/o:centos:linux:6:GA\n' }, 'centos-6'],
    ['CentOS 6 (system-release-cpe only)', { '/etc/system-release-cpe': 'cpe:/o:centos:linux:6:GA\n' }, 'centos-6'],
    ['RHEL 6', { '/etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n' }, 'rhel-6.10'],
    ['RHEL 7 (cpe)', { '/etc/system-release-cpe': 'cpe:/o:redhat:enterprise_linux:7.9:ga:server\n' }, 'rhel-7.9'],
    ['Oracle Linux 6 (its redhat-release names Red Hat)', { '/etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n', '/etc/oracle-release': 'Oracle Linux Server release 6.10\n' }, 'ol-6.10'],
    ['CentOS 7 without os-release', { '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n' }, 'centos-7'],
    ['CentOS Stream 8', { '/etc/redhat-release': 'CentOS Stream release 8\n' }, 'centos-8'],
    ['Rocky 8', { '/etc/rocky-release': 'Rocky Linux release 8.9 (Green Obsidian)\n' }, 'rocky-8.9'],
    ['AlmaLinux 9', { '/etc/almalinux-release': 'AlmaLinux release 9.3 (Shamrock Pampas Cat)\n' }, 'almalinux-9.3'],
    ['Fedora 39', { '/etc/fedora-release': 'Fedora release 39 (Thirty Nine)\n' }, 'fedora-39'],
    ['Amazon Linux 2', { '/etc/system-release': 'Amazon Linux release 2 (Karoo)\n' }, 'amzn-2'],
    ['Amazon Linux 2023', { '/etc/system-release': 'Amazon Linux release 2023.3.20240108 (Amazon Linux)\n' }, 'amzn-2023'],
    ['Amazon Linux AMI 2018.03', { '/etc/system-release': 'Amazon Linux AMI release 2018.03\n' }, 'amzn-2018.03'],
    ['Alpine', { '/etc/alpine-release': '3.19.1\n' }, 'alpine-3.19.1'],
    ['SLES 11 SP4', { '/etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n' }, 'sles-11.4'],
    ['SLES 12 GA', { '/etc/SuSE-release': 'SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n' }, 'sles-12'],
    ['openSUSE 42.3', { '/etc/SuSE-release': 'openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n' }, 'opensuse-42.3'],
    ['Photon 4', { '/etc/photon-release': 'VMware Photon OS 4.0\nPHOTON_BUILD_NUMBER=1526e30ba0\n' }, 'photon-4.0'],
    ['CBL-Mariner 2', { '/etc/mariner-release': 'CBL-Mariner 2.0.20240123\nMARINER_BUILD_NUMBER=rolling\n' }, 'mariner-2.0'],
    ['Azure Linux 3', { '/etc/azurelinux-release': 'Microsoft Azure Linux 3.0.20240727\nAZURELINUX_BUILD_NUMBER=rolling\n' }, 'azurelinux-3.0'],
    ['Scientific Linux 7', { '/etc/redhat-release': 'Scientific Linux release 7.9 (Nitrogen)\n' }, 'scientific-7.9'],
    ['Ubuntu 18.04 (lsb-release only)', { '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\nDISTRIB_CODENAME=bionic\nDISTRIB_DESCRIPTION="Ubuntu 18.04.2 LTS"\n' }, 'ubuntu-18.04'],
    ['Debian 9 (debian_version only)', { '/etc/debian_version': '9.8\n' }, 'debian-9'],
    ['distroless Debian 10 (os-release without VERSION_ID, debian_version)', { '/etc/os-release': 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\n', '/etc/debian_version': '10.8\n' }, 'debian-10'],
    ['Debian 13 (os-release VERSION_ID wins over the point release)', { '/etc/os-release': 'ID=debian\nVERSION_ID="13"\n', '/etc/debian_version': '13.5\n' }, 'debian-13'],
  ])('%s', async (_name, files, qualifier) => {
    expect(distroQualifier(await detect(files))).toBe(qualifier);
  });

  it('a release file fills in a missing VERSION_ID of the same family only', async () => {
    const noVersion = 'NAME="CentOS Linux"\nID="centos"\nPRETTY_NAME="CentOS Linux"\n';
    expect(await detect({ '/etc/os-release': noVersion, '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n' })).toEqual({ id: 'centos', versionId: '7', prettyName: 'CentOS Linux' });
    expect(await detect({ '/etc/os-release': noVersion, '/etc/fedora-release': 'Fedora release 39 (Thirty Nine)\n' })).toEqual({ id: 'centos', prettyName: 'CentOS Linux' });
  });

  it('os-release wins over a release file', async () => {
    expect(distroQualifier(await detect({ '/etc/os-release': OS_RELEASE['centos 7']!, '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n' }))).toBe('centos-7');
  });

  it('nothing recognisable: no distro (never a guess)', async () => {
    expect(await detect({ '/etc/redhat-release': 'Red Hat Linux release 6.2 (Zoot)\n', '/etc/alpine-release': 'edge\n', '/etc/debian_version': 'trixie/sid\n' })).toBeUndefined();
    expect(await detect({ '/etc/lsb-release': 'DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21.3\n' })).toBeUndefined();
    expect(parseReleaseFile('/etc/system-release-cpe', 'cpe:/o:someone:thing:1')).toBeUndefined();
    expect(parseReleaseFile('/etc/SuSE-release', 'SUSE Linux Enterprise Server 11 (x86_64)\n')).toBeUndefined();
    expect(parseReleaseFile('/etc/redhat-release', '')).toBeUndefined();
  });

  it('the release files are kept by streaming sources (they are in the catalogers\' globs)', () => {
    const globs = globsFor([rpmDbCataloger]);
    for (const p of RELEASE_FILE_PATHS) expect(globs).toContain(p);
  });
});
