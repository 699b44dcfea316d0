"""JupyterHub on one server for the Aleppo course: students, graders and an instructor.

Start it as root (it creates each user's server as that Unix user)::

    jupyterhub -f autograder/jupyterhub/jupyterhub_config.py

What it sets up (autograder/jupyterhub/README.md explains each step and the class sizes):

* **People and roles** come from a roster CSV (``username,role``; role is ``instructor``,
  ``grader`` or ``student``). Instructors and graders join the ``formgrade-<course>`` group,
  which may use formgrader; students join ``nbgrader-<course>``. Instructors may also add
  students, enrol them in the course group and start or stop their servers; graders may not.
* **Formgrader** runs as a hub service named after the course, as the Unix account
  ``grader-<course>`` that owns the course directory (a copy of ``autograder/``). Every
  instructor and grader reaches it at ``/services/<course>/``; students cannot.
* **The course environment** is one Python environment for everyone (``COURSE_HOME/env``),
  with the student bundle (``course bundle``) installed editable from ``COURSE_HOME/files``.
  It holds no solutions: those live only in the grader account's home, mode 0700.
  ``setup-single-server.sh`` makes all of it.
* **The nbgrader exchange** is a shared folder (``NBGRADER_EXCHANGE``) with mode 1777, as
  nbgrader requires: anyone may hand in; students cannot list the submissions waiting there.

Every path and name has a default below and can be changed with an environment variable, so
this one file serves a real server and the course's tests (``tests/test_jupyterhub.py``).
"""

import os
import pwd
import shutil
from pathlib import Path

from course.roster import RosterError, read_roster

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

HERE = Path(__file__).resolve().parent

COURSE_ID = os.environ.get("COURSE_ID", "aleppo")
#: What setup-single-server.sh made, readable by everyone.
COURSE_HOME = Path(os.environ.get("COURSE_HOME", "/opt/aleppo-course"))
#: The student bundle (``course bundle``): lessons, datasets, the package; no solutions.
COURSE_FILES = COURSE_HOME / "files"
#: The Python environment every user's server and kernel (and the hub itself) runs in.
COURSE_USER_ENV = COURSE_HOME / "env"
#: The roster: who may log in, and as what.
COURSE_ROSTER = Path(os.environ.get("COURSE_ROSTER", HERE / "roster.csv"))
EXCHANGE = Path(os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange"))
GRADER_ACCOUNT = os.environ.get("COURSE_GRADER_ACCOUNT", f"grader-{COURSE_ID}")
FORMGRADER_PORT = int(os.environ.get("COURSE_FORMGRADER_PORT", "9999"))

FORMGRADE_GROUP = f"formgrade-{COURSE_ID}"
STUDENT_GROUP = f"nbgrader-{COURSE_ID}"


try:
    roster = read_roster(COURSE_ROSTER)
except RosterError as error:
    raise SystemExit(str(error)) from None
staff = roster["instructor"] + roster["grader"]

# --- Who may log in ------------------------------------------------------------------------
# Local Unix accounts with their passwords (PAM). An institution's single sign-on plugs in here
# instead (an OAuthenticator class); keep the roster as the list of who is in the course.
c.JupyterHub.authenticator_class = os.environ.get("COURSE_AUTHENTICATOR", "pam")
c.Authenticator.allowed_users = set(staff + roster["student"])
# Users added later through the admin page get a Unix account of their own.
c.LocalAuthenticator.create_system_users = True

c.JupyterHub.load_groups = {
    FORMGRADE_GROUP: {"users": staff},
    STUDENT_GROUP: {"users": roster["student"]},
}

c.JupyterHub.load_roles = [
    {
        # Every user, and every user's server token (the course list asks the hub for services).
        "name": "user",
        "scopes": ["self", "list:services", f"read:services!service={COURSE_ID}"],
    },
    {
        "name": "server",
        "scopes": ["inherit"],
    },
    {
        # Instructors and graders: formgrader, which runs as the course's hub service.
        "name": FORMGRADE_GROUP,
        "groups": [FORMGRADE_GROUP],
        "scopes": [
            f"access:services!service={COURSE_ID}",
            "list:services",
            f"read:services!service={COURSE_ID}",
        ],
    },
    {
        # Instructors only: add people, enrol them, start or stop a stuck server in class.
        "name": f"{COURSE_ID}-instructor",
        "users": roster["instructor"],
        "scopes": [
            "admin:users",
            "admin:servers",
            f"admin:groups!group={STUDENT_GROUP}",
            f"admin:groups!group={FORMGRADE_GROUP}",
            "list:users",
            "read:users",
        ],
    },
]

# --- Each user's server ----------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(COURSE_USER_ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": f"{COURSE_USER_ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "COURSE_ID": COURSE_ID,
    "NBGRADER_EXCHANGE": str(EXCHANGE),
    "COURSE_DATASETS": str(COURSE_FILES / "datasets"),
}
# Restarting the hub (after a roster change, say) leaves everyone's server and kernels running.
c.JupyterHub.cleanup_servers = False
# A class logs in at once: start at most this many servers at a time, the rest wait their turn.
c.JupyterHub.concurrent_spawn_limit = int(os.environ.get("COURSE_SPAWN_LIMIT", "20"))
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Memory per user, from the lessons' measured peaks (benchmarks/memory.py): a server plus a
# lesson kernel plus an assignment kernel stay under 512 MB. LocalProcessSpawner only passes
# this on as MEM_LIMIT (the memory meter shows it); SystemdSpawner (TLJH) enforces it.
c.Spawner.mem_limit = os.environ.get("COURSE_MEM_LIMIT", "1G")


def course_pre_spawn_hook(spawner):
    """Per-user settings: kernels on private sockets; students without the instructor tools.

    Kernels talk to their server over Unix sockets (``jupyter/all/jupyter_server_config.json``
    sets ``KernelManager.transport = "ipc"``) in a folder of the user's own home. Over TCP, two
    users' servers that start kernels at the same moment can pick the same free port: the load
    check saw kernels die with "Address already in use" and servers talk to the wrong kernel.

    nbgrader enables formgrader and the assignment-creation toolbar for everyone by default; a
    student who opens them sees a broken page. Students get a config folder that turns them off.
    """
    home = Path(pwd.getpwnam(spawner.user.name).pw_dir)
    folders = [COURSE_FILES / "jupyterhub" / "all"]
    if FORMGRADE_GROUP not in {group.name for group in spawner.user.groups}:
        folders.insert(0, COURSE_FILES / "jupyterhub" / "students")
    spawner.environment = {
        **spawner.environment,
        "JUPYTER_CONFIG_PATH": os.pathsep.join(str(folder) for folder in folders),
        # Short, so socket paths stay under the 107-character limit of Unix sockets.
        "JUPYTER_RUNTIME_DIR": str(home / ".jupyter-run"),
    }


c.Spawner.pre_spawn_hook = course_pre_spawn_hook

# --- Formgrader, as the course's service -----------------------------------------------------
try:
    grader_home = Path(pwd.getpwnam(GRADER_ACCOUNT).pw_dir)
except KeyError:
    raise SystemExit(
        f"The Unix account {GRADER_ACCOUNT!r}, which owns the course directory and runs "
        "formgrader, does not exist. Create it first (autograder/jupyterhub/README.md, step 2)."
    ) from None
course_dir = grader_home / COURSE_ID
if not (course_dir / "nbgrader_config.py").is_file():
    raise SystemExit(
        f"{course_dir}/nbgrader_config.py is missing: copy the course's autograder/ folder to "
        f"{course_dir} (autograder/jupyterhub/README.md, step 2)."
    )
c.JupyterHub.services = [
    {
        "name": COURSE_ID,
        "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
        "command": [
            str(COURSE_USER_ENV / "bin" / "jupyterhub-singleuser"),
            f"--ServerApp.root_dir={course_dir}",
        ],
        "user": GRADER_ACCOUNT,
        "cwd": str(course_dir),
        "environment": {
            "PATH": f"{COURSE_USER_ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "COURSE_ID": COURSE_ID,
            "NBGRADER_EXCHANGE": str(EXCHANGE),
            "COURSE_DATASETS": str(COURSE_FILES / "datasets"),
            "JUPYTERHUB_DEFAULT_URL": "/lab/tree/source",
        },
    }
]

# --- The exchange ------------------------------------------------------------------------------
# nbgrader needs a folder everyone can write to. 1777 (as /tmp): each user may only delete their
# own files, and nbgrader makes each course's inbound folder unlistable to students.
if os.geteuid() == 0:
    EXCHANGE.mkdir(parents=True, exist_ok=True)
    os.chmod(EXCHANGE, 0o1777)

# --- The proxy ---------------------------------------------------------------------------------
# configurable-http-proxy from npm: `npm ci` in this folder installs the version the course tests.
_local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _local_proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(_local_proxy)]
elif not shutil.which("configurable-http-proxy"):
    raise SystemExit(
        "configurable-http-proxy is not installed: run `npm ci` in autograder/jupyterhub/ "
        "(or `npm install -g configurable-http-proxy`)."
    )

c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_URL", "http://:8000")
c.JupyterHub.db_url = os.environ.get("COURSE_HUB_DB", "sqlite:///jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.environ.get(
    "COURSE_HUB_COOKIE_SECRET", "jupyterhub_cookie_secret"
)
