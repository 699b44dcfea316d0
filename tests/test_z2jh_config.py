"""The Kubernetes set-up (autograder/jupyterhub/z2jh), checked on paper: there is no cluster here.

Rule for "every value is explained": descend into mappings; a scalar or a list is one value, and
so is each role under ``hub.loadRoles`` and each group under
``hub.config.JupyterHub.load_groups`` (explained as a whole). A value is named by its dotted
path, e.g. ``singleuser.memory.guarantee`` or ``hub.loadRoles.aleppo-instructor``, and README.md
must contain that path in backticks.
"""

import re
from pathlib import Path

import pytest
import yaml

Z2JH = Path(__file__).resolve().parents[1] / "autograder" / "jupyterhub" / "z2jh"
WHOLE_ENTRIES = ("hub.loadRoles", "hub.config.JupyterHub.load_groups")

# benchmarks/memory.py: the heaviest lesson kernel peaked at 160 MB (ru_maxrss / 1024, so MiB).
PEAK_LESSON_KERNEL_MB = 160
# JupyterHub/KubeSpawner sizes: a number with an optional K, M, G or T, in powers of 1024.
SIZE = re.compile(r"(\d+(?:\.\d+)?)([KMGT]?)")
# JupyterHub scopes: a name like "list:users" or "admin-ui", optionally filtered to one user,
# server, group or service ("access:servers!user=instructor1"); "!user" alone means "own".
SCOPE = re.compile(
    r"^[a-z]+(?:[-_][a-z]+)*(?::[a-z]+(?:_[a-z]+)*)*"
    r"(?:!(?P<kind>user|server|group|service)(?:=(?P<name>[A-Za-z0-9._@+/-]+))?)?$"
)


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((Z2JH / "config.yaml").read_text(encoding="utf-8"))


def leaf_paths(mapping, prefix=""):
    paths = []
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and prefix.rstrip(".") not in WHOLE_ENTRIES:
            paths += leaf_paths(value, f"{path}.")
        else:
            paths.append(path)
    return paths


def unexplained(mapping, text):
    return [path for path in leaf_paths(mapping) if f"`{path}`" not in text]


def to_bytes(size):
    match = SIZE.fullmatch(str(size))
    assert match, f"{size!r} is not a size JupyterHub reads (a number and K, M, G or T)"
    number, unit = match.groups()
    return float(number) * 1024 ** " KMGT".index(unit or " ")


def test_config_parses_as_a_mapping_of_chart_sections(config):
    assert isinstance(config, dict)
    assert {"hub", "singleuser", "cull", "scheduling", "prePuller"} <= set(config)


def test_every_value_in_the_config_is_explained_in_the_readme(config):
    missing = unexplained(config, (Z2JH / "README.md").read_text(encoding="utf-8"))
    assert not missing, f"README.md does not explain: {missing}"


def test_leaf_rule_names_every_value_and_reports_one_the_text_leaves_out():
    synthetic = {
        "singleuser": {"memory": {"limit": "1G"}, "storage": {"extraVolumes": [{"name": "x"}]}},
        "hub": {"loadRoles": {"teacher": {"scopes": ["list:users"]}}},
    }
    assert leaf_paths(synthetic) == [
        "singleuser.memory.limit",
        "singleuser.storage.extraVolumes",
        "hub.loadRoles.teacher",
    ]
    text = "`singleuser.memory.limit` and `hub.loadRoles.teacher`"
    assert unexplained(synthetic, text) == ["singleuser.storage.extraVolumes"]


def test_memory_guarantee_holds_three_peak_kernels_and_limit_is_not_below_it(config):
    memory = config["singleuser"]["memory"]
    guarantee, limit = to_bytes(memory["guarantee"]), to_bytes(memory["limit"])
    assert guarantee >= 3 * PEAK_LESSON_KERNEL_MB * 1024**2
    assert limit >= guarantee
    cpu = config["singleuser"]["cpu"]
    assert 0 < cpu["guarantee"] <= cpu["limit"]


def test_exchange_path_is_the_same_in_mount_environment_and_nbgrader_config(config):
    user = config["singleuser"]
    claims = {
        v["name"]: v["persistentVolumeClaim"]["claimName"] for v in user["storage"]["extraVolumes"]
    }
    mounts = {m["name"]: m["mountPath"] for m in user["storage"]["extraVolumeMounts"]}
    assert claims == {"nbgrader-exchange": "nbgrader-exchange"}
    exchange = user["extraEnv"]["NBGRADER_EXCHANGE"]
    assert mounts["nbgrader-exchange"] == exchange

    (nbgrader,) = user["extraFiles"].values()
    assert nbgrader["mountPath"] == "/etc/jupyter/nbgrader_config.py"
    source = nbgrader["stringData"]
    compile(source, "nbgrader_config.py", "exec")
    root = re.search(
        r'c\.Exchange\.root = os\.environ\.get\("NBGRADER_EXCHANGE", "([^"]+)"\)', source
    )
    assert root and root.group(1) == exchange
    assert 'os.environ.get("COURSE_ID", "aleppo")' in source
    assert user["extraEnv"]["COURSE_ID"] == "aleppo"


def test_image_is_the_course_image_not_a_jupyter_default(config):
    image = config["singleuser"]["image"]
    assert image["name"].endswith("/aleppo-course")
    assert not image["name"].startswith(("jupyter/", "quay.io/jupyter/", "jupyterhub/"))
    assert isinstance(image["tag"], str) and image["tag"]


def test_scope_grammar_accepts_jupyterhub_scopes_and_rejects_malformed_ones():
    for scope in [
        "list:services",
        "admin-ui",
        "admin:groups!group=nbgrader-aleppo",
        "access:servers!user=instructor1",
        "users:activity!user",
    ]:
        assert SCOPE.match(scope), scope
    for scope in [
        "admin users",
        "Admin:users",
        "access:servers!owner=x",
        "list:users!user=",
        "read:users!user=a!group=b",
        "",
    ]:
        assert not SCOPE.match(scope), scope


def test_every_role_scope_is_well_formed_and_names_groups_and_users_defined_here(config):
    roles = config["hub"]["loadRoles"]
    groups = config["hub"]["config"]["JupyterHub"]["load_groups"]
    people = {name for group in groups.values() for name in group["users"]}
    for role in roles.values():
        assert role["scopes"] and (role.get("users") or role.get("groups"))
        assert set(role.get("groups", [])) <= set(groups)
        assert set(role.get("users", [])) <= people
        for scope in role["scopes"]:
            match = SCOPE.match(scope)
            assert match, f"{scope!r} is not a JupyterHub scope"
            if match["kind"] == "group":
                assert match["name"] in groups, scope
            if match["kind"] == "user":
                assert match["name"] in people, scope
