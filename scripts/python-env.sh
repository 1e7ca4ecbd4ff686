# Sourced by scripts/demo, scripts/test and .ci/run: sets PY to the Python to install into.
#
# An active virtual environment is used as it is. Otherwise ./.venv is created and used:
# Debian's and Ubuntu's python3 refuse `pip install` outside a virtual environment (PEP 668,
# "externally-managed-environment"). Debian's python3 cannot create one without the
# python3-venv package (no ensurepip): as root it is installed with apt-get, otherwise the
# script says which package to ask for.

tdkt_python() {
  if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
    PY="$VIRTUAL_ENV/bin/python"
    return
  fi
  if ! .venv/bin/python -c "" >/dev/null 2>&1; then
    if ! python3 -m venv --clear .venv >/dev/null 2>&1; then
      rm -rf .venv
      if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Cài python3-venv (cần để tạo môi trường ảo .venv)…" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
        python3 -m venv .venv
      else
        echo "Không tạo được môi trường ảo .venv: cần gói python3-venv" \
             "(sudo apt-get install python3-venv), rồi chạy lại." >&2
        exit 1
      fi
    fi
  fi
  PY="$PWD/.venv/bin/python"
}

tdkt_python
export PIP_DISABLE_PIP_VERSION_CHECK=1
