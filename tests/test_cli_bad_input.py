"""Every bad input of issue 11 gets a one-line error, a non-zero exit, and writes nothing."""
from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc.cli import cli
from store import Archive

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result, *words: str) -> str:
    """Non-zero exit, one line of output starting with 'Error:', mentioning `words`, no traceback."""
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and "Traceback" not in result.output
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


def snapshot(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def small_archive(tmp_path) -> Path:
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.save_article({"url": "http://127.0.0.1/a", "title": "Tập huấn", "text": "Ngày 1/1/2020 tập huấn.",
                          "relevant": True, "officials": [], "rankings": [], "documents": []})
    archive.close()
    return path


def test_serve_on_a_busy_port(small_archive):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = snapshot(small_archive.parent)
        result = run("serve", "--db", str(small_archive), "--port", str(port))
        assert_one_line_error(result, f"port {port}", "in use")
        assert snapshot(small_archive.parent) == before


@pytest.mark.parametrize("port", ["70000", "0", "-1"])
def test_serve_on_an_out_of_range_port(small_archive, port):
    before = snapshot(small_archive.parent)
    assert_one_line_error(run("serve", "--db", str(small_archive), "--port", port), "out of range")
    assert snapshot(small_archive.parent) == before


def test_export_into_a_missing_directory(small_archive, tmp_path):
    target = tmp_path / "missing" / "dir" / "file.json"
    assert_one_line_error(run("export", "--db", str(small_archive), "-o", str(target)), "does not exist")
    assert not (tmp_path / "missing").exists()


def test_export_onto_a_directory(small_archive, tmp_path):
    (tmp_path / "out").mkdir()
    assert_one_line_error(run("export", "--db", str(small_archive), "-o", str(tmp_path / "out")), "directory")
    assert list((tmp_path / "out").iterdir()) == []


def test_sites_after_copying_a_config_with_its_old_name(tmp_path, monkeypatch):
    import crawler.sites

    sites = tmp_path / "sites"
    shutil.copytree(crawler.sites.SITES_DIR, sites)
    shutil.copy(sites / "vinhphuc.yaml", sites / "myprovince.yaml")  # README: "copy a config" (keeps name:)
    monkeypatch.setattr(crawler.sites, "SITES_DIR", sites)
    before = snapshot(sites)
    assert_one_line_error(run("sites"), "myprovince", "name")
    assert snapshot(sites) == before


@pytest.mark.parametrize("verb", [["export"], ["serve"], ["reextract"], ["crawl", "--site", "vinhphuc"],
                                  ["demo", "--no-serve"]])
def test_db_at_an_empty_file_is_not_converted(tmp_path, verb):
    empty = tmp_path / "notes.db"
    empty.write_bytes(b"")
    assert_one_line_error(run(*verb, "--db", str(empty)), "empty")
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_db_at_a_text_file_is_not_converted(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("my notes\n", encoding="utf-8")
    assert_one_line_error(run("export", "--db", str(text)), "not a readable SQLite database")
    assert text.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_extract_file_on_an_empty_input(tmp_path, content):
    empty = tmp_path / "page.html"
    empty.write_bytes(content)
    assert_one_line_error(run("extract-file", str(empty)), "empty")


def test_replay_help_is_help():
    result = subprocess.run([sys.executable, "-m", "replay", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0 and "usage: python -m replay" in result.stdout and not result.stderr


def test_replay_on_a_bad_address_is_one_line():
    result = subprocess.run([sys.executable, "-m", "replay", "999.0.0.1"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_are_one_line_too():
    assert_one_line_error(run("export", "--bogus"), "--bogus", "cchc export --help")
    assert_one_line_error(run("no-such-verb"), "no-such-verb")
