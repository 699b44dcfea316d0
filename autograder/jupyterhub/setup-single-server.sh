#!/usr/bin/env bash
# Prepare one server to run the course on JupyterHub. Run as root from a clone of the course's
# (private, instructor) repository; safe to run again after a change (step by step in README.md).
#
#   sudo autograder/jupyterhub/setup-single-server.sh
#
# It makes, in order:
#   1. the course environment  $COURSE_HOME/env   (Python + the instructor set, pinned, + JupyterHub:
#                                                 the grading account runs nbgrader there)
#   2. the student files       $COURSE_HOME/files (`course bundle`: no solutions), installed
#                                                 editable into the environment
#   3. the grading account     $COURSE_GRADER_ACCOUNT, home 0700, holding the course directory
#                                                 (autograder/) that formgrader serves, and a
#                                                 check that it can sandbox notebooks (bubblewrap)
#   4. the exchange            $NBGRADER_EXCHANGE, mode 1777
#   5. one Unix account per roster line that has none yet, home 0700
#   6. the proxy               autograder/jupyterhub/node_modules (npm ci)
#
# Settings (environment variables, defaults in brackets):
#   COURSE_ID [aleppo]  COURSE_HOME [/opt/aleppo-course]  COURSE_PYTHON [python3, 3.11]
#   COURSE_ROSTER [autograder/jupyterhub/roster.csv]  NBGRADER_EXCHANGE [/srv/nbgrader/exchange]
#   COURSE_GRADER_ACCOUNT [grader-$COURSE_ID]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
COURSE_ID="${COURSE_ID:-aleppo}"
COURSE_HOME="${COURSE_HOME:-/opt/aleppo-course}"
COURSE_PYTHON="${COURSE_PYTHON:-python3}"
COURSE_ROSTER="${COURSE_ROSTER:-$HERE/roster.csv}"
NBGRADER_EXCHANGE="${NBGRADER_EXCHANGE:-/srv/nbgrader/exchange}"
COURSE_GRADER_ACCOUNT="${COURSE_GRADER_ACCOUNT:-grader-$COURSE_ID}"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'setup-single-server: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run this as root: it creates Unix accounts and the exchange folder."
[ -f "$COURSE_ROSTER" ] || fail "no roster at $COURSE_ROSTER (copy roster.example.csv and edit it)."
command -v "$COURSE_PYTHON" >/dev/null || fail "no Python at '$COURSE_PYTHON' (set COURSE_PYTHON)."
command -v npm >/dev/null || fail "npm is missing: install Node.js and npm (apt-get install nodejs npm)."
"$COURSE_PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || fail "$COURSE_PYTHON is not Python 3.11, which requirements.txt is pinned for."
"$COURSE_PYTHON" -c 'import venv' 2>/dev/null || fail "$COURSE_PYTHON has no venv module (apt-get install python3-venv)."
runuser -u nobody -- "$COURSE_PYTHON" -c 'pass' 2>/dev/null \
  || fail "other users cannot run $COURSE_PYTHON (a Python under /root?): use one every user can run."
# Autograding runs every submission in a bubblewrap sandbox (see autograder/README.md).
if ! command -v bwrap >/dev/null; then
  command -v apt-get >/dev/null || fail "bubblewrap is missing: install it (the package 'bubblewrap')."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null \
    || fail "could not install bubblewrap (apt-get install bubblewrap)."
fi

step "1/6 The course environment in $COURSE_HOME/env"
install -d -m 0755 "$COURSE_HOME"
[ -x "$COURSE_HOME/env/bin/python" ] || "$COURSE_PYTHON" -m venv "$COURSE_HOME/env"
"$COURSE_HOME/env/bin/python" -m pip install --quiet --upgrade pip
"$COURSE_HOME/env/bin/python" -m pip install --quiet -r "$HERE/requirements.txt"

step "2/6 The student files in $COURSE_HOME/files (no solutions, no hidden tests)"
rm -rf "$COURSE_HOME/files.new"
# The bundle is written by the repository's own package (PYTHONPATH), which reads autograder/.
PYTHONPATH="$REPO" "$COURSE_HOME/env/bin/python" -m course.cli bundle "$COURSE_HOME/files.new"
install -d -m 0755 "$COURSE_HOME/files.new/jupyterhub"
cp -r "$HERE/jupyter/." "$COURSE_HOME/files.new/jupyterhub/"
rm -rf "$COURSE_HOME/files.old"
[ ! -d "$COURSE_HOME/files" ] || mv "$COURSE_HOME/files" "$COURSE_HOME/files.old"
mv "$COURSE_HOME/files.new" "$COURSE_HOME/files"
rm -rf "$COURSE_HOME/files.old"
"$COURSE_HOME/env/bin/python" -m pip install --quiet --no-deps -e "$COURSE_HOME/files"
"$COURSE_HOME/env/bin/course" lab-settings
chmod -R a+rX "$COURSE_HOME"

step "3/6 The grading account $COURSE_GRADER_ACCOUNT and its course directory"
id "$COURSE_GRADER_ACCOUNT" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$COURSE_GRADER_ACCOUNT"
GRADER_HOME="$(getent passwd "$COURSE_GRADER_ACCOUNT" | cut -d: -f6)"
chmod 0700 "$GRADER_HOME"
COURSE_DIR="$GRADER_HOME/$COURSE_ID"
install -d -o "$COURSE_GRADER_ACCOUNT" -g "$COURSE_GRADER_ACCOUNT" -m 0700 "$COURSE_DIR" "$COURSE_DIR/source"
# nbgrader_config.py and the guide follow the repository; source/ gains new assignments but an
# assignment already there is left alone (it may have been released; see README.md, "Mid-term").
install -o "$COURSE_GRADER_ACCOUNT" -g "$COURSE_GRADER_ACCOUNT" -m 0600 \
  "$REPO/autograder/nbgrader_config.py" "$REPO/autograder/README.md" "$COURSE_DIR/"
for assignment in "$REPO"/autograder/source/*/; do
  name="$(basename "$assignment")"
  if [ -e "$COURSE_DIR/source/$name" ]; then
    echo "    source/$name is already there: left as it is"
  else
    cp -r "$assignment" "$COURSE_DIR/source/$name"
    echo "    source/$name added"
  fi
done
chown -R "$COURSE_GRADER_ACCOUNT:$COURSE_GRADER_ACCOUNT" "$COURSE_DIR"
# The grading account makes the sandboxes, through unprivileged user namespaces.
runuser -u "$COURSE_GRADER_ACCOUNT" -- bwrap --unshare-user --unshare-pid --unshare-net \
  --ro-bind / / --proc /proc --dev /dev true 2>/dev/null \
  || fail "$COURSE_GRADER_ACCOUNT cannot make a bubblewrap sandbox: allow unprivileged user
namespaces (sysctl -w kernel.unprivileged_userns_clone=1 on Debian, user.max_user_namespaces > 0;
Ubuntu 24.04: an AppArmor profile for bwrap), then run this again."
echo "    $COURSE_GRADER_ACCOUNT can sandbox notebooks (bubblewrap)"

step "4/6 The exchange $NBGRADER_EXCHANGE"
install -d -m 1777 "$NBGRADER_EXCHANGE"
chmod 1777 "$NBGRADER_EXCHANGE"

step "5/6 Unix accounts for the roster $COURSE_ROSTER"
# The same reader the hub uses: a bad row stops here, naming the file and the line.
usernames="$("$COURSE_HOME/env/bin/python" -m course.roster "$COURSE_ROSTER")" \
  || fail "fix the roster and run this again."
for name in $usernames; do
  if id "$name" >/dev/null 2>&1; then
    continue
  fi
  useradd --create-home --shell /bin/bash "$name"
  chmod 0700 "$(getent passwd "$name" | cut -d: -f6)"
  echo "    $name created"
done

step "6/6 The proxy (configurable-http-proxy)"
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)

printf '\nReady. Start the hub as root:\n  %s/env/bin/jupyterhub -f %s/jupyterhub_config.py\n' \
  "$COURSE_HOME" "$HERE"
