# The project's own test images, built on top of ../shared/tools/build-images.sh, which sources this
# file through EXTRA_IMAGES_FILE (see ../shared/tools/extra-images/big.sh for the mechanism).
# Each test/images/<name>.image.sh defines build_<name> (with build-images.sh's helpers: start_from,
# chroot_run, commit, $APT_INSTALL, $OUTDIR, $CACHE) and is named after the image it builds; extra
# ground truth that rootfs-truth.py does not derive goes to $OUTDIR/truth/<name>/ from the build function.
# The real tier's global set-up (test/real/global-setup.ts) builds them with the shared images.
EXTRA_IMAGES=""
for __custody_image in "$(dirname "${BASH_SOURCE[0]}")"/*.image.sh; do
  [[ -e $__custody_image ]] || continue
  # shellcheck source=/dev/null
  . "$__custody_image"
  __custody_name=$(basename "$__custody_image" .image.sh)
  declare -F "build_$__custody_name" >/dev/null || { echo "extra-images: $__custody_image defines no build_$__custody_name" >&2; exit 1; }
  EXTRA_IMAGES="$EXTRA_IMAGES $__custody_name"
done
unset __custody_image __custody_name
