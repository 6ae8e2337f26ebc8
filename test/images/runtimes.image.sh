# runtimes: real runtime binaries from Debian packages, installed without a package manager (issue 17).
#
# The official images (python, node, golang, eclipse-temurin, redis, nginx, httpd, postgres, ...) build or
# unpack their runtime into /usr/local or /opt, so no package database knows it. This image does the same
# with real binaries: the Debian packages are installed by apt in a throwaway chroot, and only the files a
# runtime consists of are copied into the image (as `make install` or `COPY --from=build` would), without
# their dpkg records. The image's own dpkg database is debian-min's, which lists none of them.
#
# Ground truth: $OUTDIR/truth/runtimes/runtimes.tsv, one row per runtime file copied:
#   runtime <TAB> path in the image <TAB> Debian package it came from <TAB> that package's version
# read with dpkg-query from the throwaway chroot (the versions Debian says), never from a scanner.

# The Debian packages the runtimes come from (Debian 12): python3.11-minimal, nodejs + libnode108,
# openjdk-17-jre-headless, redis-server, nginx, apache2-bin, postgresql-15, openssl + libssl3,
# curl + libcurl4, busybox, golang-1.19-go.
RUNTIME_DEB_PACKAGES="python3.11-minimal nodejs openjdk-17-jre-headless redis-server nginx apache2-bin postgresql-15 openssl curl busybox golang-1.19-go"

# runtime_copy SRC_ROOT DST_ROOT TRUTH RUNTIME FROM TO : copy one file (following links) and record its truth row.
runtime_copy() {
  local src=$1 dst=$2 truth=$3 runtime=$4 from=$5 to=$6 real pkg ver
  real=$(chroot "$src" /usr/bin/readlink -f "$from")
  pkg=$(chroot "$src" /usr/bin/dpkg-query -S "$real" 2>/dev/null | head -1 | cut -d: -f1) \
    || pkg=$(chroot "$src" /usr/bin/dpkg-query -S "$from" | head -1 | cut -d: -f1)
  [[ -n $pkg ]] || { echo "runtimes: no Debian package owns $from" >&2; return 1; }
  ver=$(chroot "$src" /usr/bin/dpkg-query -W -f '${Version}' "$pkg")
  install -D -m "$(stat -c %a "$src$real")" "$src$real" "$dst$to"
  printf '%s\t%s\t%s\t%s\n' "$runtime" "$to" "$pkg" "$ver" >>"$truth"
}

build_runtimes() {
  local b src truth=$OUTDIR/truth/runtimes/runtimes.tsv
  # The throwaway chroot: Debian's packages, installed by apt, only as the source of real binaries.
  src=$(start_from debian-min runtimes-src)
  chroot_run "$src/rootfs" "$APT_INSTALL $RUNTIME_DEB_PACKAGES >/dev/null"
  b=$(start_from debian-min runtimes)
  mkdir -p "$(dirname "$truth")"
  printf 'runtime\tpath\tdeb_package\tdeb_version\n' >"$truth"
  local s=$src/rootfs r=$b/rootfs
  # python:3.x images: the interpreter in /usr/local/bin (Debian's is linked statically with libpython)
  runtime_copy "$s" "$r" "$truth" python /usr/bin/python3.11 /usr/local/bin/python3.11
  ln -s python3.11 "$r/usr/local/bin/python3"
  # node: a shared build (Debian's): the launcher and libnode in /usr/local
  runtime_copy "$s" "$r" "$truth" node /usr/bin/node /usr/local/bin/node
  runtime_copy "$s" "$r" "$truth" node /usr/lib/x86_64-linux-gnu/libnode.so.108 /usr/local/lib/libnode.so.108
  # eclipse-temurin: the JDK unpacked into /opt/java/openjdk (its release file and launcher)
  runtime_copy "$s" "$r" "$truth" openjdk /usr/lib/jvm/java-17-openjdk-amd64/release /opt/java/openjdk/release
  runtime_copy "$s" "$r" "$truth" openjdk /usr/lib/jvm/java-17-openjdk-amd64/bin/java /opt/java/openjdk/bin/java
  # golang: the toolchain unpacked into /usr/local/go
  runtime_copy "$s" "$r" "$truth" go /usr/lib/go-1.19/VERSION /usr/local/go/VERSION
  runtime_copy "$s" "$r" "$truth" go /usr/lib/go-1.19/bin/go /usr/local/go/bin/go
  # redis, nginx, httpd, postgres: `make install` into their default prefixes
  runtime_copy "$s" "$r" "$truth" redis /usr/bin/redis-server /usr/local/bin/redis-server
  runtime_copy "$s" "$r" "$truth" nginx /usr/sbin/nginx /usr/local/nginx/sbin/nginx
  runtime_copy "$s" "$r" "$truth" httpd /usr/sbin/apache2 /usr/local/apache2/bin/httpd
  runtime_copy "$s" "$r" "$truth" postgresql /usr/lib/postgresql/15/bin/postgres /usr/local/pgsql/bin/postgres
  # openssl and curl built from source: tool and library under /usr/local
  runtime_copy "$s" "$r" "$truth" openssl /usr/bin/openssl /usr/local/bin/openssl
  runtime_copy "$s" "$r" "$truth" openssl /usr/lib/x86_64-linux-gnu/libcrypto.so.3 /usr/local/lib64/libcrypto.so.3
  runtime_copy "$s" "$r" "$truth" curl /usr/bin/curl /usr/local/bin/curl
  runtime_copy "$s" "$r" "$truth" curl /usr/lib/x86_64-linux-gnu/libcurl.so.4 /usr/local/lib/libcurl.so.4
  # busybox: the static binary, as busybox-based images carry it
  runtime_copy "$s" "$r" "$truth" busybox /bin/busybox /usr/local/bin/busybox
  rm -rf "$src"
  commit runtimes "$b" "COPY --from=build runtimes into /usr/local and /opt (no package database records)"
  umoci config --image "$WORK:runtimes" --no-history --config.label org.opencontainers.image.title=runtimes
}
