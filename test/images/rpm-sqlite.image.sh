# rpm-sqlite: Rocky Linux 9-style image, rpm database in SQLite (rpm >= 4.16). See rpm-image.lib.sh.
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/rpm-image.lib.sh"
build_rpm-sqlite() {
  custody_rpm_image rpm-sqlite sqlite 'NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
' "rpm -i (fixtures/catalog/rpm/specs) into an SQLite rpmdb; os-release of Rocky Linux 9.3"
}
