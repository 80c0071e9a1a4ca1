# Shared by ops/run, ops/test and ops/bench. Sourced, not run.

# PostgreSQL server binaries, installing Debian's 'postgresql' package when they are missing.
pg_bin() {
  if [ -n "${CASEFLOW_PG_BIN:-}" ]; then echo "$CASEFLOW_PG_BIN"; return; fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "PostgreSQL server binaries not found: installing the Debian package 'postgresql'" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$bin"
}

# Debian's chromium for the console's browser tests (Playwright drives it; its own browser download cannot work here).
chromium_bin() {
  if [ -n "${CASEFLOW_CHROMIUM:-}" ]; then echo "$CASEFLOW_CHROMIUM"; return; fi
  if ! command -v chromium >/dev/null 2>&1; then
    echo "chromium not found: installing the Debian package 'chromium'" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  fi
  command -v chromium
}

# Runs a PostgreSQL server command: as the 'postgres' user when we are root (initdb and postgres refuse root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (dotnet, 10.0) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }
}
