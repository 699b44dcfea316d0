"""The first process inside a grading sandbox: copy the submission, set the limits, start Python.

Run by :mod:`course.grading.sandbox` as ``python -I -S sandbox_init.py SPEC -- COMMAND...``
(isolated mode, no site packages: this file imports nothing but the standard library, and
nothing of the course). ``SPEC`` is JSON::

    {"copy": ["/run/course/submission", "/submission"],   # read-only source, tmpfs target
     "limits": {"AS": bytes, "NPROC": count, "FSIZE": bytes, "CPU": seconds}}

It copies the student's files into the sandbox's private working folder (symlinks are copied as
symlinks, so they point inside the sandbox only), sets the resource limits, which the kernel and
every process it starts inherit, and replaces itself with ``COMMAND`` (the IPython kernel).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys

_LIMITS = {
    "AS": resource.RLIMIT_AS,
    "NPROC": resource.RLIMIT_NPROC,
    "FSIZE": resource.RLIMIT_FSIZE,
    "CPU": resource.RLIMIT_CPU,
    "CORE": resource.RLIMIT_CORE,
}


def main(argv: list[str]) -> None:
    separator = argv.index("--")
    spec = json.loads(argv[1])
    command = argv[separator + 1 :]
    source, target = spec.get("copy") or (None, None)
    if source and os.path.isdir(source):
        try:
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
        except (shutil.Error, OSError) as error:  # copy what can be read; say what could not
            print(f"Some submitted files could not be copied: {error}"[:500], file=sys.stderr)
    for name, value in spec.get("limits", {}).items():
        if value is None:
            continue
        hard = value + 5 if name == "CPU" else value  # SIGXCPU first, SIGKILL 5 s later
        resource.setrlimit(_LIMITS[name], (value, hard))
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
