"""A browser gets a readable page: headless Chromium renders an NPO's page from a real server."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import httpx

from tests.conftest import require_tool

WIDTH, HEIGHT = 1280, 1400


def chromium() -> str:
    return require_tool(
        "chromium", "bash scripts/test.sh (Debian package chromium)", also=("chromium-browser", "google-chrome")
    )


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Root in a container needs --no-sandbox; the rest keeps Chromium off the network
    # (no component updates, sync or background fetches) and out of any real profile.
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", header[16:24])


def test_chromium_renders_an_npo_page(site: httpx.Client, tmp_path: Path) -> None:
    binary = chromium()
    screenshot = tmp_path / "npo-akut-vard.png"
    base = str(site.base_url).rstrip("/")
    if True:  # the page as `ksgraph serve` gives it
        url = f"{base}/id/npo/akut-vard"
        dom = run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", url)
        shot = run_chromium(
            binary, tmp_path / "profile-shot", f"--screenshot={screenshot}", f"--window-size={WIDTH},{HEIGHT}", url
        )
    assert dom.returncode == 0, dom.stderr[-2000:]
    # What the browser built from the page: the heading, the diagram and the posts table.
    assert '<h1 lang="sv">NPO Akut vård</h1>' in dom.stdout
    assert "<svg" in dom.stdout and "Posts (" in dom.stdout
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png_size(screenshot) == (WIDTH, HEIGHT)
    # A blank or error page compresses to a few kilobytes; this one has text, tables and a diagram.
    assert screenshot.stat().st_size > 40_000
