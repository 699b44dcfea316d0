"""A class on the single-server JupyterHub: one student alone, then a whole class at once.

Starts the course's real hub (as ``tests/test_jupyterhub.py`` does: the set-up script, real Unix
accounts, loopback only) and times the same round for one student and then for N students at
the same moment: start a server, run lesson 01's code in a kernel, fetch ps1, submit; then the
instructor collects. The ratio of the two wall times says how the machine scales; peak memory
per student says how many fit. Needs root, npm and a Python 3.11 every user can run.

    sudo .venv/bin/python benchmarks/hub_load.py [--students 30]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hub import course_hub, lesson_code, run_class  # noqa: E402

ASSIGNMENT = "ps1_phases"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    solo = "aht-solo"
    class_ = [f"aht-c{i:03d}" for i in range(1, args.students + 1)]
    people = {"aht-instructor": "instructor", solo: "student"}
    people.update({name: "student" for name in class_})
    code = lesson_code(REPO / "notebooks" / "01_phases.ipynb")

    with course_hub(people) as hub:
        instructor = hub.session("aht-instructor")
        for step in ("assign", "release"):
            response = instructor.formgrader("POST", f"/assignment/{ASSIGNMENT}/{step}")
            assert response.json()["success"], response.text
        one = run_class(hub, instructor, [solo], code=code, assignment=ASSIGNMENT, time_limit=600)
        many = run_class(hub, instructor, class_, code=code, assignment=ASSIGNMENT, time_limit=1800)

    print(json.dumps({"one student": one, f"{args.students} students": many}, indent=2))
    wall_one, wall_many = one["seconds_until_all_collected"], many["seconds_until_all_collected"]
    print(f"\n{'':28}{'1 student':>12}{f'{args.students} students':>14}")
    for key in (
        "seconds_until_all_collected",
        "server_start_seconds_max",
        "lesson_kernel_seconds_median",
        "submit_seconds_max",
        "peak_memory_mb_one_student",
        "peak_memory_mb_all_students",
    ):
        print(f"{key:28}{one[key]:>12}{many[key]:>14}")
    print(
        f"\nwall time, {args.students} at once / 1 alone: {wall_many / wall_one:.1f}x "
        f"(1.0x would be perfect parallelism; {args.students}x is no better than one by one)"
    )
    print(f"submissions lost: {len(many['missing']) + len(one['missing'])}")


if __name__ == "__main__":
    main()
