# runtimes-dpkg: the same runtimes as the `runtimes` image, installed by dpkg (issue 17): each must be
# reported exactly once, by the dpkg cataloger, never again by the runtime-binary cataloger.
#
# Ground truth: $OUTDIR/truth/runtimes-dpkg/runtimes.tsv, one row per runtime file:
#   runtime <TAB> path in the image <TAB> Debian package that lists it <TAB> that package's version
# read with dpkg-query inside the image (the dpkg.tsv beside it has every package).

# python3.11-minimal nodejs openjdk-17-jre-headless redis-server nginx apache2-bin postgresql-15 openssl curl busybox
RUNTIME_DPKG_PACKAGES="python3.11-minimal nodejs openjdk-17-jre-headless redis-server nginx apache2-bin postgresql-15 openssl curl busybox"

build_runtimes-dpkg() {
  local b truth=$OUTDIR/truth/runtimes-dpkg/runtimes.tsv row runtime path pkg
  b=$(start_from debian-min runtimes-dpkg)
  chroot_run "$b/rootfs" "$APT_INSTALL $RUNTIME_DPKG_PACKAGES >/dev/null"
  commit runtimes-dpkg "$b" "apt-get install --no-install-recommends $RUNTIME_DPKG_PACKAGES"
  mkdir -p "$(dirname "$truth")"
  printf 'runtime\tpath\tdeb_package\tdeb_version\n' >"$truth"
  for row in python:/usr/bin/python3.11 node:/usr/lib/x86_64-linux-gnu/libnode.so.108 \
    openjdk:/usr/lib/jvm/java-17-openjdk-amd64/release redis:/usr/bin/redis-server nginx:/usr/sbin/nginx \
    httpd:/usr/sbin/apache2 postgresql:/usr/lib/postgresql/15/bin/postgres openssl:/usr/bin/openssl \
    openssl:/usr/lib/x86_64-linux-gnu/libcrypto.so.3 curl:/usr/bin/curl curl:/usr/lib/x86_64-linux-gnu/libcurl.so.4 \
    busybox:/bin/busybox; do
    runtime=${row%%:*} path=${row#*:}
    pkg=$(chroot "$b/rootfs" /usr/bin/dpkg-query -S "$path" | head -1 | cut -d: -f1)
    printf '%s\t%s\t%s\t%s\n' "$runtime" "$path" "$pkg" "$(chroot "$b/rootfs" /usr/bin/dpkg-query -W -f '${Version}' "$pkg")" >>"$truth"
  done
  umoci config --image "$WORK:runtimes-dpkg" --no-history --config.label org.opencontainers.image.title=runtimes-dpkg
}
