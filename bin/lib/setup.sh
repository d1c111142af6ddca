# Shared set-up for bin/test, bin/try-bgp-listen and .ci/run: find JDK 25 and install missing Debian packages.
# Sourced, not run.

vroute_find_jdk() {
  local d
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
    [ -n "$d" ] && [ -x "$d/bin/java" ] && "$d/bin/java" -version 2>&1 | grep -Eq 'version "25' && { echo "$d"; return 0; }
  done
  return 1
}

vroute_select_jdk() {
  local jdk
  if ! jdk=$(vroute_find_jdk); then
    echo "JDK 25 not found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/*25*): install one, e.g. Temurin 25." >&2
    return 2
  fi
  export JAVA_HOME="$jdk"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# vroute_ensure_packages CMD=PKG ...: installs PKG with apt when CMD is not found.
vroute_ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%=*}; pkg=${pair#*=}
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "Missing packages: ${missing[*]}. Run as root, or: sudo apt-get install ${missing[*]}" >&2
    return 2
  fi
  echo "Installing ${missing[*]} ..." >&2
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

VROUTE_TEST_PACKAGES=(mvn=maven ip=iproute2 gobgpd=gobgpd bird=bird2 /usr/lib/frr/bgpd=frr ping=iputils-ping tshark=tshark
  node=nodejs npm=npm chromium=chromium)
