# rpm-ndb: SLE BCI 15.3-style image carrying the real SLE 15 ndb database (`Packages.db`) of
# ../shared/corpus/rpmdb/sle15-bci. See rpm-image.lib.sh.
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/rpm-image.lib.sh"
build_rpm-ndb() {
  custody_rpm_image rpm-ndb ndb 'NAME="SLES"
VERSION="15-SP3"
VERSION_ID="15.3"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP3"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp3"
' "COPY Packages.db (SLE BCI 15.3, ../shared/corpus/rpmdb/sle15-bci); os-release of SLES 15 SP3"
}
