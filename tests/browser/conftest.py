"""A real headless browser for the suite: Debian's chromium driven through chromium-driver (WebDriver) by selenium.

``tests/browser/install.sh`` installs both when they are missing and this runs as root; elsewhere the browser
tests are skipped, saying why. Screenshots go to ``artifacts/`` (gitignored) and are listed at the end of the run.
"""

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "artifacts"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# Headless, no sandbox (root in a container), nothing that reaches the network on its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1440,1000")  # fmt: skip
SAVED: list[Path] = []


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium session (selenium ``WebDriver``) with a fresh profile."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[test]'")
    done = subprocess.run(["bash", str(HERE / "install.sh")], capture_output=True, text=True, timeout=900,
                          check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"no headless Chromium here: {done.stderr.strip()[-400:] or f'install.sh exit {done.returncode}'}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def screenshot(browser: Any) -> Callable[[str], Path]:
    """``screenshot(name)`` saves the page as ``artifacts/<name>``, prints its path and lists it in the summary."""

    def save(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        assert browser.save_screenshot(str(path)), f"the browser did not save {path}"
        print(f"screenshot: {path}")
        SAVED.append(path)
        return path

    return save


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the screenshots this run saved."""
    for path in SAVED:
        terminalreporter.write_line(f"browser artifact: {path}")
