"""The GitHub workflows keep least privilege: read-only by default, Pages and OIDC only for a deploy job that
runs no repository code, actions pinned by commit, no expression pasted into a shell script, dependencies
installed by hash; and CODEOWNERS covers code and workflows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$")
WRITE_SCOPES_FOR_DEPLOY = {"pages": "write", "id-token": "write"}


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(path: Path) -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in load(path)["jobs"].items() for step in spec.get("steps", [])]


def test_there_are_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "deploy.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_full_commit_sha_with_its_tag(path: Path) -> None:
    uses = [step["uses"] for _, step in steps(path) if "uses" in step]
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(-\s+)?uses:", line):
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_empty_by_default_and_set_per_job(path: Path) -> None:
    data = load(path)
    assert data["permissions"] == {}
    for name, job in data["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"{path.name}: job {name} sets no permissions"
        writes = {k: v for k, v in job["permissions"].items() if v == "write"}
        if path.name == "deploy.yml" and name == "deploy":
            assert job["permissions"] == WRITE_SCOPES_FOR_DEPLOY
        else:
            assert writes == {}, f"{path.name}: job {name} can write {writes}"
            assert job["permissions"] == {"contents": "read"}


def test_the_deploy_job_runs_no_repository_code() -> None:
    jobs = load(ROOT / ".github" / "workflows" / "deploy.yml")["jobs"]
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert [s.get("uses", "").split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert all("run" not in s for s in deploy["steps"])
    build_uses = [s.get("uses", "").split("@")[0] for s in jobs["build"]["steps"]]
    assert "actions/upload-pages-artifact" in build_uses
    assert any("kcr build" in s.get("run", "") for s in jobs["build"]["steps"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    for job, step in steps(path):
        assert "${{" not in step.get("run", ""), f"{path.name}: {job}: {step.get('name', step.get('run'))}"
    assert "pull_request_target" not in load(path)["on"]
    assert "workflow_run" not in load(path)["on"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_dependencies_are_installed_by_hash(path: Path) -> None:
    installs = [line.strip() for _, step in steps(path) for line in step.get("run", "").splitlines()
                if "pip install" in line]
    assert installs == ["python -m pip install --require-hashes -r requirements/ci.txt",
                        "python -m pip install --no-deps --no-build-isolation -e ."]
    for _, step in steps(path):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_ci_runs_the_linter_and_the_type_checker_before_the_tests() -> None:
    runs = [step.get("run", "").strip() for job, step in steps(ROOT / ".github" / "workflows" / "ci.yml")
            if job == "check-test-build"]
    lint = runs.index("ruff check --output-format github src tests scripts hooks")
    types = runs.index("mypy")  # files and settings come from [tool.mypy] in pyproject.toml
    install = next(i for i, run in enumerate(runs) if "pip install" in run)
    assert install < lint < runs.index("python -m pytest")
    assert install < types < runs.index("python -m pytest")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.ruff.lint]" in pyproject
    assert "[tool.mypy]" in pyproject


def test_the_lock_file_pins_every_dependency_with_hashes() -> None:
    text = (ROOT / "requirements" / "ci.txt").read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.M)
    names = {name.lower().replace("_", "-") for name, _, _ in entries}
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(requirement_lines) == len(entries)  # every requirement carries hashes
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = set(re.findall(r'^\s+"([A-Za-z0-9_.-]+)[><=~!\[]', pyproject, re.M))
    assert declared, "no dependencies read from pyproject.toml"
    assert {d.lower().replace("_", "-") for d in declared} <= names, sorted(declared - names)
    assert "setuptools" in names  # the build backend, for --no-build-isolation


def test_codeowners_covers_code_and_workflows() -> None:
    owners = {}
    for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, *who = line.split()
            owners[path] = who
    for path in ("/.github/", "/.ci/", "/src/", "/hooks/", "/overrides/", "/scripts/", "/tests/", "/schema/",
                 "/requirements/", "/docs/assets/", "/pyproject.toml", "/mkdocs.yml"):
        assert owners.get(path), f"{path} has no code owner"
        assert all(re.fullmatch(r"@[A-Za-z0-9-]+(/[A-Za-z0-9_-]+)?", w) for w in owners[path])
