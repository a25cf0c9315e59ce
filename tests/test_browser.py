"""Open the built reports in headless Chromium: Chinese text, a real picture, no network.

Every request the browser makes goes to a local proxy that only records it
(``--proxy-server`` with ``--proxy-bypass-list=<-loopback>``), so a page that
tried to load a script, a font or an image from the internet would be caught.
The browser's own background services (update checks, sign-in) also knock on
the proxy; they are listed in BROWSER_SERVICE_HOSTS and are not the page's.

Skipped only on a developer machine without Chromium; under CI (``CI`` set)
a missing Chromium is a failure, since ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from report_build import build_demo_reports

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",  # as root Chromium writes nothing without it (and exits 0)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--no-pings",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
)
#: Hosts Chromium itself contacts in the background, whatever page it shows.
BROWSER_SERVICE_HOSTS = frozenset(
    {"update.googleapis.com", "accounts.google.com", "clients2.google.com"}
)


@pytest.fixture(scope="module", autouse=True)
def chromium_present():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is missing in CI: .ci/run must install the Debian package"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium)")


class RecordingProxy:
    """A local TCP listener that records the first line of every request."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            with conn:
                conn.settimeout(2)
                try:
                    head = conn.recv(4096).decode("latin-1")
                except OSError:
                    head = ""
                self.requests.append(head.split("\r\n", 1)[0] or "(connection)")

    def hosts(self) -> set[str]:
        """Return the host of each recorded request line."""
        out = set()
        for line in self.requests:
            parts = line.split()
            target = parts[1] if len(parts) > 1 else line
            host = target.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
            out.add(host)
        return out

    def page_hosts(self) -> set[str]:
        # "(connection)": a socket Chromium opened ahead of need (a preconnect
        # beside its update checks) that never sent a request line, so it loaded
        # nothing; a page's fetch always sends one (GET url or CONNECT host)
        return self.hosts() - BROWSER_SERVICE_HOSTS - {"(connection)"}

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def run_chromium(url: str, proxy: RecordingProxy, tmp: Path, *extra: str) -> str:
    """Run headless Chromium on ``url`` through ``proxy``; return its stdout."""
    profile = tmp / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--proxy-server=127.0.0.1:{proxy.port}",
            "--proxy-bypass-list=<-loopback>",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo_reports(tmp_path_factory.getbasetemp())


def _screenshot(url: str, proxy: RecordingProxy, tmp: Path):
    from PIL import Image

    shot = tmp / "shot.png"
    shot.unlink(missing_ok=True)
    run_chromium(url, proxy, tmp, f"--screenshot={shot}", "--window-size=1280,1600")
    assert shot.is_file(), "Chromium wrote no screenshot"
    return Image.open(shot).convert("L")


def _ink(image) -> float:
    """Return the share of pixels that are clearly not background white."""
    histogram = image.histogram()
    return sum(histogram[:200]) / (image.width * image.height)


def test_proxy_catches_a_page_that_loads_from_the_internet(tmp_path):
    page = tmp_path / "probe.html"
    page.write_text(
        '<html><body><p>测试</p><img src="http://example.invalid/logo.png"></body></html>',
        encoding="utf-8",
    )
    with RecordingProxy() as proxy:
        run_chromium(page.as_uri(), proxy, tmp_path, "--dump-dom")
    assert "example.invalid" in proxy.page_hosts()


def test_index_renders_chinese_and_makes_no_request(built, tmp_path):
    index = built.out_dir / "index.html"
    with RecordingProxy() as proxy:
        dom = run_chromium(index.as_uri(), proxy, tmp_path, "--dump-dom")
        image = _screenshot(index.as_uri(), proxy, tmp_path)
    assert "湛江市固定资产投资分析报告" in dom
    assert "数据质量报告" in dom
    assert "不达标" in dom and "有风险" in dom
    assert proxy.page_hosts() == set(), proxy.requests
    assert _ink(image) > 0.002, "the screenshot is blank"
    assert image.getextrema()[0] < 80  # dark text is drawn


def test_report_renders_headings_tables_and_charts_offline(built, tmp_path):
    names = [r.name for r in built.results]
    with RecordingProxy() as proxy:
        for name in names:
            page = built.out_dir / f"{name}.html"
            dom = run_chromium(page.as_uri(), proxy, tmp_path, "--dump-dom")
            assert "<h1" in dom and "数据来源与运行信息" in dom, name
        quality = built.out_dir / "00-data-quality.html"
        dom = run_chromium(quality.as_uri(), proxy, tmp_path, "--dump-dom")
        image = _screenshot(quality.as_uri(), proxy, tmp_path)
    assert "数据质量报告" in dom and "收到的数据" in dom and "演示数据 DEMO" in dom
    assert proxy.page_hosts() == set(), proxy.requests
    assert _ink(image) > 0.005, "the screenshot is blank"
