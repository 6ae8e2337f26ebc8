# real-artefacts: a Debian image whose layers hold artefacts fetched from the language registries with
# their own clients, as applications ship them (sourced by test/images/extra-images.sh):
#   L2  apt-get install python3-venv
#   L3  jars from Maven Central (mvn dependency:copy): log4j-core/-api 2.14.1 (Log4Shell), 2.16.0, 2.17.1 in
#       three app folders; a Spring Boot fat jar and a maven-shade-plugin jar built by mvn from
#       real-artefacts/{boot-app,shaded-app}
#   L4  /opt/venv: a virtualenv with wheels from PyPI (pip download on the host, pip install --no-index in the
#       image; real-artefacts/requirements.txt)
#   L5  /usr/local/bin/rust-app (cargo auditable build, crates.io: smallvec 1.6.0) and /usr/local/bin/go-app
#       (go build, Go module proxy: golang.org/x/text v0.3.6)
# Ground truth beyond rootfs-truth.py's (jars.tsv, python.tsv read from the files): truth/real-artefacts/
# requested.tsv (ecosystem, name, version, path: what was asked of each registry), cargo.tsv (the crates
# cargo locked and built in), go.tsv (the modules go built in).
# Needs on the host: mvn + a JDK 17, pip, cargo (cargo-auditable is installed with cargo when missing), go.
__REAL_ARTEFACTS_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/real-artefacts" && pwd)

build_real-artefacts() {
  local b src=$__REAL_ARTEFACTS_SRC work=$CACHE/real-artefacts truth=$OUTDIR/truth/real-artefacts
  b=$(start_from debian-min real-artefacts)
  rm -rf "$work" "$truth"; mkdir -p "$work" "$truth"
  printf 'ecosystem\tname\tversion\tpath\n' >"$truth/requested.tsv"

  chroot_run "$b/rootfs" "$APT_INSTALL python3-venv >/dev/null"
  commit real-artefacts "$b" "apt-get install --no-install-recommends python3-venv"

  # L3: Maven Central
  local app v
  for app in legacy:2.14.1 patched:2.16.0 current:2.17.1; do
    v=${app#*:}; app=${app%%:*}
    mkdir -p "$b/rootfs/opt/apps/$app/lib"
    for a in log4j-core log4j-api; do
      mvn -q -B dependency:copy -Dartifact="org.apache.logging.log4j:$a:$v" -DoutputDirectory="$b/rootfs/opt/apps/$app/lib" >/dev/null
      printf 'Maven\torg.apache.logging.log4j:%s\t%s\t/opt/apps/%s/lib/%s-%s.jar\n' "$a" "$v" "$app" "$a" "$v" >>"$truth/requested.tsv"
    done
  done
  cp -r "$src/boot-app" "$src/shaded-app" "$work/"
  (cd "$work/boot-app" && mvn -q -B package -DskipTests >/dev/null)
  (cd "$work/shaded-app" && mvn -q -B package -DskipTests >/dev/null)
  mkdir -p "$b/rootfs/opt/apps/boot" "$b/rootfs/opt/apps/shaded"
  cp "$work/boot-app/target/boot-app-1.0.0.jar" "$b/rootfs/opt/apps/boot/"
  cp "$work/shaded-app/target/shaded-app-1.0.0.jar" "$b/rootfs/opt/apps/shaded/"
  printf 'Maven\torg.apache.commons:commons-text\t1.9\t/opt/apps/shaded/shaded-app-1.0.0.jar\n' >>"$truth/requested.tsv"
  chown -R 0:0 "$b/rootfs/opt/apps"
  commit real-artefacts "$b" "COPY log4j 2.14.1/2.16.0/2.17.1, a Spring Boot fat jar and a shaded jar to /opt/apps (Maven Central)"

  # L4: PyPI, through pip in a virtualenv
  mkdir -p "$work/wheels"
  pip download -q --only-binary=:all: --python-version 3.11 --implementation cp --platform manylinux2014_x86_64 \
    -d "$work/wheels" -r "$src/requirements.txt" >/dev/null
  mkdir -p "$b/rootfs/tmp/wheels"; cp "$work"/wheels/*.whl "$b/rootfs/tmp/wheels/"; cp "$src/requirements.txt" "$b/rootfs/tmp/wheels/"
  chroot_run "$b/rootfs" 'python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --no-index --find-links /tmp/wheels -r /tmp/wheels/requirements.txt && rm -rf /tmp/wheels && find /opt/venv -name __pycache__ -prune -exec rm -rf {} +'
  grep -E '^[A-Za-z]' "$src/requirements.txt" | sed 's/==/\t/' | while IFS=$'\t' read -r n v; do
    printf 'PyPI\t%s\t%s\t/opt/venv\n' "$n" "$v" >>"$truth/requested.tsv"
  done
  commit real-artefacts "$b" "python3 -m venv /opt/venv && pip install -r requirements.txt (PyPI wheels)"

  # L5: crates.io and the Go module proxy
  command -v cargo-auditable >/dev/null || cargo install -q cargo-auditable --locked
  (cd "$work" && cp -r "$src/rust-app" "$src/go-app" .)
  (cd "$work/rust-app" && CARGO_TARGET_DIR="$work/rust-target" cargo auditable build -q --release --locked)
  (cd "$work/go-app" && CGO_ENABLED=0 go build -trimpath -o "$work/go-app-bin" .)
  install -m 755 "$work/rust-target/release/rust-app" "$b/rootfs/usr/local/bin/rust-app"
  install -m 755 "$work/go-app-bin" "$b/rootfs/usr/local/bin/go-app"
  printf 'crates.io\tsmallvec\t1.6.0\t/usr/local/bin/rust-app\n' >>"$truth/requested.tsv"
  printf 'Go\tgolang.org/x/text\tv0.3.6\t/usr/local/bin/go-app\n' >>"$truth/requested.tsv"
  { printf 'name\tversion\n'; awk '/^\[\[package\]\]/{p=1} /^name = /&&p{gsub(/"/,"",$3); n=$3} /^version = /&&p{gsub(/"/,"",$3); print n "\t" $3; p=0}' "$work/rust-app/Cargo.lock"; } >"$truth/cargo.tsv"
  { printf 'module\tversion\n'; go version -m "$work/go-app-bin" | awk '$1=="mod"||$1=="dep"{print $2 "\t" $3}'; } >"$truth/go.tsv"
  commit real-artefacts "$b" "COPY rust-app (cargo auditable, crates.io) go-app (Go module proxy) /usr/local/bin/"
  umoci config --image "$WORK:real-artefacts" --no-history --config.label org.opencontainers.image.title=real-artefacts
}
