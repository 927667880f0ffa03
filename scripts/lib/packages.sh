# Debian packages the scripts need (sourced).

# Installs Debian packages without letting them start services (nginx would
# otherwise listen on port 80 of every interface).
install_packages() {
  local sudo="" policy=/usr/sbin/policy-rc.d created=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created=1
  fi
  echo "installing $*" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
  [ -n "$created" ] && $sudo rm -f "$policy"
  return 0
}
