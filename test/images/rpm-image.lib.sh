# Shared by the rpm-*.image.sh test images (sourced by each; not an image itself). An rpm image is an
# empty root filesystem with the os-release of an RPM distro and an rpm database of one back end:
#   custody_rpm_image NAME BACKEND OS_RELEASE_TEXT DESCRIPTION
# BACKEND sqlite | bdb: the packages of fixtures/catalog/rpm/specs (built by scripts/fixtures/rpm.mjs)
# are installed for real into the root (files and database) by Debian's rpm 4.18 (SQLite); bdb then
# rewrites that database as a BerkeleyDB `Packages` (scripts/fixtures/rpmdb-bdb.mjs, db5.3_load).
# Ground truth: $OUTDIR/truth/NAME/rpm.tsv = `rpm -qa --queryformat` (scripts/fixtures/rpm.mjs's
# QUERY_FORMAT columns) over the image's own database, read by rpm (bdb: its bdb_ro reader).
# BACKEND ndb: nothing here writes ndb, so the image carries the real SLE 15 database of
# ../shared/corpus/rpmdb/sle15-bci and its truth is that database's expected.json.
CUSTODY_ROOT=${CUSTODY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CUSTODY_SHARED=${CUSTODY_SHARED_DIR:-$CUSTODY_ROOT/../shared}
CUSTODY_RPM_QF='%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\t%{VENDOR}\t%{MODULARITYLABEL}\t%{SIZE}\t%{SIGMD5}\n'

custody_rpm_image() {
  local name=$1 backend=$2 os_release=$3 description=$4 b r truth
  b=$BUNDLES/$name
  r=$b/rootfs
  truth=$OUTDIR/truth/$name
  mkdir -p "$BUNDLES" "$truth"
  [[ -f $WORK/index.json ]] || umoci init --layout "$WORK"
  if have_tag "$name"; then umoci rm --image "$WORK:$name"; fi
  umoci new --image "$WORK:$name"
  rm -rf "$b"
  umoci unpack --image "$WORK:$name" "$b" >/dev/null
  mkdir -p "$r/etc" "$r/usr/lib"
  printf '%s' "$os_release" >"$r/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$r/etc/os-release"
  case $backend in
    sqlite | bdb)
      local rpms=$CUSTODY_ROOT/fixtures/generated/rpm/rpms
      node "$CUSTODY_ROOT/scripts/fixtures/rpm.mjs" >&2
      [[ -d $rpms ]] || die "custody_rpm_image: no rpms in $rpms (needs rpm, rpmbuild, db5.3-util)"
      rpm --root "$r" --dbpath /var/lib/rpm --initdb
      rpm --root "$r" --dbpath /var/lib/rpm -i --nodeps --noscripts --ignorearch --replacefiles "$rpms"/*.rpm
      if [[ $backend == bdb ]]; then
        rpmdb --root "$r" --dbpath /var/lib/rpm --exportdb >"$CACHE/$name.export"
        node "$CUSTODY_ROOT/scripts/fixtures/rpmdb-bdb.mjs" "$CACHE/$name.export" "$r/var/lib/rpm/Packages"
        rm -f "$CACHE/$name.export" "$r/var/lib/rpm/rpmdb.sqlite"
        rpm --dbpath "$r/var/lib/rpm" --define '_db_backend bdb_ro' -qa --queryformat "$CUSTODY_RPM_QF" 2>/dev/null | sort >"$truth/rpm.tsv"
      else
        rpm --dbpath "$r/var/lib/rpm" -qa --queryformat "$CUSTODY_RPM_QF" 2>/dev/null | sort >"$truth/rpm.tsv"
      fi
      rm -f "$r/var/lib/rpm/rpmdb.sqlite-shm" "$r/var/lib/rpm/rpmdb.sqlite-wal" "$r/var/lib/rpm/.rpm.lock"
      ;;
    ndb)
      local src=$CUSTODY_SHARED/corpus/rpmdb/sle15-bci
      [[ -f $src/Packages.db ]] || die "custody_rpm_image: $src/Packages.db is missing (../shared corpus)"
      mkdir -p "$r/usr/lib/sysimage/rpm" "$r/var/lib"
      cp "$src/Packages.db" "$r/usr/lib/sysimage/rpm/Packages.db"
      ln -s ../../usr/lib/sysimage/rpm "$r/var/lib/rpm"   # as SUSE lays it out
      python3 - "$src/expected.json" >"$truth/rpm.tsv" <<'PY'
import json, sys
none = lambda v: "(none)" if v is None or v == "" else str(v)
rows = []
for p in json.load(open(sys.argv[1]))["packages"]:
    rows.append("\t".join([p["name"], none(p["epoch"]), p["version"], p["release"], p["arch"], p["sourceRpm"],
                           p["license"], p["vendor"], none(p["modularitylabel"]), str(p["size"]), p["sigmd5"]]))
print("\n".join(sorted(rows)))
PY
      ;;
    *) die "custody_rpm_image: unknown back end $backend" ;;
  esac
  [[ -s $truth/rpm.tsv ]] || die "custody_rpm_image: empty truth for $name"
  commit "$name" "$b" "$description"
  umoci config --image "$WORK:$name" --no-history --author sbomtest --config.label "org.opencontainers.image.title=$name"
}
