"""``srm diff`` on framework mappings: controls a row maps, frameworks added or removed,
the inheritance derived from them, and ``--fail-on controls|inheritance``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from srm_handbook.history.model_diff import diff

from ..helpers import srm
from .test_diff import base_model, commit_all, make_repo, parse, write


def mapped_model() -> dict[str, Any]:
    model = base_model()
    model["parties"]["platform"]["role"] = "provider"
    model["parties"]["you"]["role"] = "customer"
    model["frameworks"] = {
        "nist": {"name": "NIST SP 800-53 rev. 5", "catalog": "nist-800-53-r5"},
        "pci": {"name": "PCI DSS"},
    }
    model["responsibilities"]["authn"]["controls"] = {"nist": ["IA-2", "IA-8"], "pci": ["8.3.1"]}
    model["responsibilities"]["logging"]["controls"] = {"nist": ["AU-2"]}
    return model


def test_controls_added_and_removed_are_reported_and_gated(tmp_path: Path) -> None:
    new = mapped_model()
    new["responsibilities"]["authn"]["controls"]["nist"] = ["IA-2", "IA-2(1)"]
    old_path = write(tmp_path / "old.yaml", mapped_model())
    new_path = write(tmp_path / "new.yaml", new)
    result = srm("diff", old_path, new_path)
    assert result.returncode == 0, result.stderr
    assert "1 control mapping" in result.stdout.splitlines()[0]
    assert "authn, NIST SP 800-53 rev. 5 (nist):\n      + IA-2(1)\n      - IA-8" in result.stdout
    gated = srm("diff", old_path, new_path, "--fail-on", "controls")
    assert gated.returncode == 1
    assert "control mappings changed" in gated.stderr
    # Owners did not change, nor did any inheritance.
    assert srm("diff", old_path, new_path, "--fail-on", "owners").returncode == 0
    assert srm("diff", old_path, new_path, "--fail-on", "inheritance").returncode == 0
    data = json.loads(srm("diff", old_path, new_path, "--format", "json").stdout)
    assert data["controls_changed"] is True
    assert data["controls"] == [
        {
            "responsibility": "authn",
            "responsibility_name": "Authentication",
            "framework": "nist",
            "framework_name": "NIST SP 800-53 rev. 5",
            "added": ["IA-2(1)"],
            "removed": ["IA-8"],
        }
    ]
    markdown = srm("diff", old_path, new_path, "--format", "markdown").stdout
    assert "#### Control mappings" in markdown and "~~IA-8~~" in markdown


def test_an_ownership_change_changes_inheritance(tmp_path: Path) -> None:
    new = mapped_model()
    new["responsibilities"]["logging"]["owners"]["triggers"] = ["platform", "you"]
    new["responsibilities"]["logging"]["duties"]["you"] = ["Forward trigger logs."]
    changes = diff(parse(mapped_model()), parse(new))
    found = [(c.framework, c.control, c.capability, c.before, c.after) for c in changes.inheritance]
    assert found == [("nist", "AU-2", "triggers", "yes", "partial")]
    assert not changes.controls_changed
    old_path = write(tmp_path / "old.yaml", mapped_model())
    new_path = write(tmp_path / "new.yaml", new)
    result = srm("diff", old_path, new_path, "--fail-on", "inheritance")
    assert result.returncode == 1
    assert "nist AU-2 x triggers: Inherited -> Shared" in result.stdout
    assert "the inheritance of 1 control and capability pair changed" in result.stderr
    assert srm("diff", old_path, new_path, "--fail-on", "controls").returncode == 0


def test_frameworks_and_roles_added(tmp_path: Path) -> None:
    changes = diff(parse(base_model()), parse(mapped_model()))
    assert [f.id for f in changes.frameworks_added] == ["nist", "pci"]
    assert changes.controls_changed
    roles = [(f.id, f.field, f.before, f.after) for f in changes.fields if f.field == "role"]
    assert roles == [("platform", "role", None, "provider"), ("you", "role", None, "customer")]
    assert {c.framework for c in changes.controls} == {"nist", "pci"}
    assert changes.inheritance == ()  # no roles before: nothing to compare
    removed = diff(parse(mapped_model()), parse(base_model()))
    assert [f.id for f in removed.frameworks_removed] == ["nist", "pci"]
    text = srm(
        "diff", write(tmp_path / "a.yaml", base_model()), write(tmp_path / "b.yaml", mapped_model())
    ).stdout
    assert "Frameworks added:\n  + nist: NIST SP 800-53 rev. 5\n  + pci: PCI DSS" in text


def test_a_framework_catalog_change_is_an_edit() -> None:
    new = mapped_model()
    new["frameworks"]["pci"]["name"] = "PCI DSS v4.0"
    changes = diff(parse(mapped_model()), parse(new))
    assert [(f.kind, f.id, f.field, f.after) for f in changes.fields] == [
        ("framework", "pci", "name", "PCI DSS v4.0")
    ]
    assert not changes.controls_changed


def test_git_diff_reads_catalog_files_beside_the_data(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "data").mkdir()
    (repo / "data" / "own.yaml").write_text("controls: [C-1, C-2]\n", encoding="utf-8")
    model = mapped_model()
    model["frameworks"]["own"] = {"name": "Own", "catalog": "own.yaml"}
    model["responsibilities"]["authn"]["controls"]["own"] = ["C-1"]
    write(repo / "data" / "srm.yaml", model)
    commit_all(repo, "first", "2024-01-01T12:00:00+00:00")
    changed = copy.deepcopy(model)
    changed["responsibilities"]["authn"]["controls"]["own"] = ["C-1", "C-2"]
    write(repo / "data" / "srm.yaml", changed)
    result = srm("diff", "--git", "HEAD", "data/srm.yaml", "--fail-on", "controls", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "      + C-2" in result.stdout
