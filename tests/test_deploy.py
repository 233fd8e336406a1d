"""Deploying the archive read-only (`cchc package`): the `datasette package`/`publish` command,
checked offline as far as it goes — every option is one Datasette accepts, the plugins are pinned
to what the tests ran with, and the server the image would start answers like `cchc serve`."""
from __future__ import annotations

import shlex
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc import publish
from cchc.cli import cli
from store import Archive

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "cchc-archive @ git+https://example.org/cchc-archive@v0.1.0"


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("deploy") / "archive.db"
    archive = Archive(path)
    archive.save_article({"url": "http://127.0.0.1/a", "title": "Tập huấn CCHC", "text": "Ngày 1/1/2020 tập huấn.",
                          "relevant": True, "province": "Hà Nội", "officials": [], "rankings": [], "documents": []})
    archive.close()
    return path


def options_of(help_text: str) -> set[str]:
    return {word.rstrip(",") for word in help_text.split() if word.startswith("--")}


@pytest.mark.parametrize("target", ["package", "cloudrun", "heroku"])
def test_every_option_is_one_datasette_accepts(archive_db, target):
    command = publish.package_command(archive_db, PROJECT, tool=target)
    sub = ["package"] if target == "package" else ["publish", target]
    help_text = subprocess.run([sys.executable, "-m", "datasette", *sub, "--help"], capture_output=True,
                               text=True, check=True).stdout
    used = {arg for i, arg in enumerate(command) if arg.startswith("--") and command[i - 1] != "--extra-options"}
    assert used <= options_of(help_text), used - options_of(help_text)
    for path in (command[command.index("--metadata") + 1], command[command.index("--plugins-dir") + 1],
                 command[command.index("--template-dir") + 1], command[command.index("--static") + 1].split(":")[1]):
        assert (ROOT / path).exists() and not Path(path).is_absolute()


def test_plugins_are_pinned_to_the_tested_versions(archive_db):
    command = publish.package_command(archive_db, PROJECT)
    installs = [command[i + 1] for i, arg in enumerate(command) if arg == "--install"]
    assert installs[0] == PROJECT
    for name in ("datasette", "datasette-search-all", "datasette-dashboards"):
        assert f"{name}=={version(name)}" in installs


def test_the_server_in_the_image_answers_like_cchc_serve(archive_db):
    """What the image runs: `datasette serve -i archive.db` with the command's files and settings."""
    command = publish.package_command(archive_db, PROJECT)
    extra = shlex.split(command[command.index("--extra-options") + 1])
    serve = [sys.executable, "-m", "datasette", "serve", "-i", str(archive_db),
             "--metadata", str(ROOT / command[command.index("--metadata") + 1]),
             "--plugins-dir", str(ROOT / command[command.index("--plugins-dir") + 1]),
             "--template-dir", str(ROOT / command[command.index("--template-dir") + 1]),
             "--static", "cchc:" + str(ROOT / command[command.index("--static") + 1].split(":")[1]), *extra]
    for path, expected in (("/-/search?q=tap+huan", "href=\"/archive/articles/1\""), ("/-/settings.json", '"sql_time_limit_ms": 1000'),
                           ("/-/map", "<svg")):
        result = subprocess.run([*serve, "--get", path], capture_output=True, text=True, env=publish.child_env(),
                                timeout=120)
        assert result.returncode == 0, result.stderr[-1500:]
        assert expected in result.stdout, path


def test_cchc_package_prints_the_command(archive_db, tmp_path):
    result = CliRunner().invoke(cli, ["package", "--db", str(archive_db), "--project", PROJECT])
    assert result.exit_code == 0, result.output
    printed = shlex.split(result.output.strip().splitlines()[-1])
    assert printed == publish.package_command(archive_db, PROJECT)
    other = tmp_path / "copy.db"
    other.write_bytes(archive_db.read_bytes())
    bad = CliRunner().invoke(cli, ["package", "--db", str(other)])
    assert bad.exit_code == 1 and "must be called archive.db" in bad.output
