# rpm-bdb: UBI 8-style image, rpm database in BerkeleyDB hash (`Packages`, rpm < 4.16). See rpm-image.lib.sh.
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/rpm-image.lib.sh"
build_rpm-bdb() {
  custody_rpm_image rpm-bdb bdb 'NAME="Red Hat Enterprise Linux"
VERSION="8.9 (Ootpa)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="8.9"
PLATFORM_ID="platform:el8"
PRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"
CPE_NAME="cpe:/o:redhat:enterprise_linux:8::baseos"
' "rpm -i (fixtures/catalog/rpm/specs), database rewritten as BerkeleyDB Packages (db5.3_load); os-release of UBI 8.9"
}
