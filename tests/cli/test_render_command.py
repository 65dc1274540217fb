"""`srm render --out DIR`: DIR is often a docs directory with handwritten pages, so a run
never overwrites or deletes a file it did not write (unless --force)."""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import stat
from pathlib import Path

from ..helpers import BASE, edit, srm

SECOND_ROW = """\
  logging:
    name: Logging
    category: app
    owners:
      custom-ui: atlassian
      web-triggers: atlassian
    duties:
      atlassian:
        - Keep audit logs.
"""


def _data(tmp_path: Path, text: str = BASE + SECOND_ROW) -> Path:
    path = tmp_path / "srm_data.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_handwritten_file_stops_the_run_before_anything_is_written(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    (out / "responsibilities").mkdir(parents=True)
    (out / "index.md").write_text("# Our own home page\n", encoding="utf-8")
    (out / "matrix.md").write_text("# Our own matrix notes\n", encoding="utf-8")
    (out / "responsibilities" / "logging.md").write_text("# Notes\n", encoding="utf-8")
    before = _files(out)
    result = srm("render", "--out", out, data)
    assert result.returncode == 1
    assert f"{out / 'index.md'}: error: exists and was not written by srm render" in (result.stderr)
    assert f"{out / 'matrix.md'}: error:" in result.stderr
    assert f"{out / 'responsibilities' / 'logging.md'}: error:" in result.stderr
    assert "3 files in" in result.stderr and "nothing was written" in result.stderr
    assert f"{out / '.srm-render.json'}, the record of what srm render wrote, does not exist" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert _files(out) == before
    forced = srm("render", "--force", "--out", out, data)
    assert forced.returncode == 0, forced.stderr
    assert b"srm-page" in (out / "index.md").read_bytes()


def test_its_own_files_are_rewritten_but_not_once_edited(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    (out / "handwritten").mkdir(parents=True)
    (out / "handwritten" / "about.md").write_text("# About\n", encoding="utf-8")
    assert srm("render", "--out", out, data).returncode == 0
    page = out / "responsibilities" / "authentication.md"
    data.write_text(edit(data.read_text("utf-8"), "Authenticate the user.", "Check."), "utf-8")
    again = srm("render", "--out", out, data)
    assert again.returncode == 0, again.stderr
    assert "Check." in html.unescape(page.read_text("utf-8"))
    page.write_text(page.read_text("utf-8") + "\nA local note.\n", encoding="utf-8")
    edited = _files(out)
    third = srm("render", "--out", out, data)
    assert third.returncode == 1
    assert f"{page}: error: was edited since srm render wrote it" in third.stderr
    assert _files(out) == edited
    assert (out / "handwritten" / "about.md").read_text("utf-8") == "# About\n"


def test_pages_no_longer_generated_are_removed_unless_edited(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    assert srm("render", "--out", out, data).returncode == 0
    logging_page = out / "responsibilities" / "logging.md"
    assert logging_page.is_file()
    _data(tmp_path, BASE)  # the row is gone
    result = srm("render", "--out", out, data)
    assert result.returncode == 0, result.stderr
    assert "removed 1 no longer generated" in result.stdout
    assert not logging_page.exists()
    assert (out / "responsibilities" / "authentication.md").is_file()
    # An edited page of an earlier run stays, even when no longer generated.
    _data(tmp_path)
    assert srm("render", "--out", out, data).returncode == 0
    logging_page.write_text("# Kept: someone wrote here\n", encoding="utf-8")
    _data(tmp_path, BASE)
    kept = srm("render", "--out", out, data)
    assert kept.returncode == 0, kept.stderr
    assert f"srm: kept {logging_page}: no longer generated, but edited since" in kept.stderr
    assert logging_page.read_text("utf-8") == "# Kept: someone wrote here\n"


def test_what_cannot_be_overwritten_stops_even_a_forced_run(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    (out / "matrix.md").mkdir(parents=True)  # a folder where a page goes
    (out / "capabilities").write_text("a file where a folder goes", encoding="utf-8")
    before = _files(out)
    for args in ((), ("--force",)):
        result = srm("render", *args, "--out", out, data)
        assert result.returncode == 1
        assert f"{out / 'matrix.md'}: error: exists and is not a regular file" in result.stderr
        assert f"{out / 'capabilities'}: error: exists and is not a directory" in result.stderr
        assert result.stderr.count("capabilities: error:") == 1  # said once, not per page
        assert "Traceback" not in result.stderr
        assert _files(out) == before


def test_an_unwritable_output_is_one_error_line(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = Path("/proc") / f"srm-render-test-{os.getpid()}"  # nobody, not even root, can
    result = srm("render", "--out", out, data)
    assert result.returncode == 1
    assert f"srm render: error: cannot write {out}: No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_record_of_written_files_cannot_point_outside_the_output(tmp_path: Path) -> None:
    """.srm-render.json sits in a docs directory anyone can edit: a planted entry must not
    make a run delete a file elsewhere."""
    data = _data(tmp_path)
    out = tmp_path / "docs"
    assert srm("render", "--out", out, data).returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "victim.txt").write_text("precious", encoding="utf-8")
    (out / "link").symlink_to(tmp_path / "elsewhere")
    digest = hashlib.sha256(b"precious").hexdigest()
    manifest = out / ".srm-render.json"
    record = json.loads(manifest.read_text("utf-8"))
    for planted in ("../victim.txt", str(victim), "link/victim.txt"):
        record["files"][planted] = [digest]
    manifest.write_text(json.dumps(record), encoding="utf-8")
    result = srm("render", "--out", out, data)
    assert result.returncode == 0, result.stderr
    assert "removed" not in result.stdout
    assert victim.read_text("utf-8") == "precious"
    assert (tmp_path / "elsewhere" / "victim.txt").read_text("utf-8") == "precious"


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    assert srm("render", "--out", out, _data(tmp_path)).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()}
    assert modes == {0o666 & ~umask}
    assert not [p for p in out.rglob("*") if p.name.endswith(".srm-tmp")]


def test_a_new_prefix_moves_the_pages_and_leaves_no_empty_folders(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    assert srm("render", "--prefix", "a/", "--out", out, data).returncode == 0
    assert (out / "a" / "responsibilities" / "logging.md").is_file()
    moved = srm("render", "--prefix", "b/", "--out", out, data)
    assert moved.returncode == 0, moved.stderr
    assert not (out / "a").exists()
    assert (out / "b" / "responsibilities" / "logging.md").is_file()


def test_a_record_in_the_first_format_or_unreadable_is_handled(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    assert srm("render", "--out", out, data).returncode == 0
    manifest = out / ".srm-render.json"
    record = json.loads(manifest.read_text("utf-8"))
    first_format = {rel: digests[0] for rel, digests in record["files"].items()}
    manifest.write_text(json.dumps({"files": first_format}), encoding="utf-8")
    _data(tmp_path, BASE)
    assert srm("render", "--out", out, data).returncode == 0  # its own files, recognised
    manifest.write_text("{not json", encoding="utf-8")
    _data(tmp_path)
    result = srm("render", "--out", out, data)
    assert result.returncode == 1
    assert "the record of what srm render wrote, cannot be read" in result.stderr


def test_an_edited_record_cannot_delete_or_overwrite_a_handwritten_page(tmp_path: Path) -> None:
    """The record lists paths and digests, and anyone can edit it: a file is only deleted
    or replaced when its own content is srm render's output."""
    data = _data(tmp_path)
    out = tmp_path / "docs"
    assert srm("render", "--out", out, data).returncode == 0
    handwritten = {
        "about.md": "# About us\n",
        "guide/index.md": "# A guide of our own\n",
        "responsibilities/notes.md": "---\ntitle: Notes\n---\n\nOur notes.\n",
        "assets/srm/srm.js": "alert('ours')\n",
    }
    for rel, text in handwritten.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    manifest = out / ".srm-render.json"
    record = json.loads(manifest.read_text("utf-8"))
    for rel, text in handwritten.items():
        record["files"][rel] = [hashlib.sha256(text.encode()).hexdigest()]
    # A page srm render writes, replaced by hand, with the record edited to match.
    matrix = out / "matrix.md"
    matrix.write_text("# Our matrix\n", encoding="utf-8")
    record["files"]["matrix.md"].append(hashlib.sha256(b"# Our matrix\n").hexdigest())
    manifest.write_text(json.dumps(record), encoding="utf-8")
    result = srm("render", "--out", out, data)
    assert result.returncode == 1
    assert f"{matrix}: error: exists and was not written by srm render" in result.stderr
    script = out / "assets" / "srm" / "srm.js"
    assert f"{script}: error: exists and was not written by srm render" in result.stderr
    assert matrix.read_text("utf-8") == "# Our matrix\n"
    assert script.read_text("utf-8") == "alert('ours')\n"
    matrix.unlink()
    script.unlink()
    del handwritten["assets/srm/srm.js"]
    result = srm("render", "--out", out, data)
    assert result.returncode == 0, result.stderr
    assert "removed" not in result.stdout
    for rel, text in handwritten.items():
        assert (out / rel).read_text("utf-8") == text, rel
        assert f"srm: kept {out / rel}: listed in .srm-render.json, but not" in result.stderr


def test_a_linked_folder_in_the_output_is_never_written_through(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "docs"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "responsibilities").symlink_to(elsewhere)
    for args in ((), ("--force",)):
        result = srm("render", *args, "--out", out, data)
        assert result.returncode == 1
        assert (
            f"{out / 'responsibilities'}: error: is a link; srm render never writes through links"
            in result.stderr
        )
        assert result.stderr.count("error: is a link") == 1
        assert "Traceback" not in result.stderr
        assert list(elsewhere.iterdir()) == []
        assert sorted(p.name for p in out.iterdir()) == ["responsibilities"]
    # A link that appears after a run: the pages it held are neither rewritten nor deleted.
    (out / "responsibilities").unlink()
    assert srm("render", "--out", out, data).returncode == 0
    (elsewhere / "logging.md").write_bytes((out / "responsibilities" / "logging.md").read_bytes())
    shutil.rmtree(out / "responsibilities")
    (out / "responsibilities").symlink_to(elsewhere)
    _data(tmp_path, BASE)  # logging is no longer generated
    result = srm("render", "--out", out, data)
    assert result.returncode == 1
    assert (elsewhere / "logging.md").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["logging.md"]


def test_a_bad_prefix_is_a_usage_error_like_every_other_command(tmp_path: Path) -> None:
    """Exit codes mean the same for every command (srm_handbook/cli/common.py): 2 for a
    usage error, with the command's name in the message and nothing written."""
    data = tmp_path / "srm_data.yaml"
    data.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    result = srm("render", "--prefix", "../x", "--out", out, data)
    assert result.returncode == 2
    assert result.stderr.startswith("srm render: error: invalid prefix '../x/'")
    assert "Traceback" not in result.stderr
    assert not out.exists()
