"""Headless Chromium for page tests: Debian's chromium and chromium-driver, driven by Selenium.

Nothing is downloaded: the driver and browser are named by path, so Selenium's own manager
never runs. A machine without them skips the test and says what to install.
"""
from __future__ import annotations

import shutil

import pytest

INSTALL = "apt-get install chromium chromium-driver; pip install selenium"


def headless_chromium():
    """A Selenium driver on the system's Chromium that keeps the console log; skips the test without one."""
    webdriver = pytest.importorskip("selenium.webdriver", reason=f"selenium is not installed ({INSTALL})")
    from selenium.webdriver.chrome.service import Service

    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.skip(f"no chromium or chromedriver on PATH ({INSTALL})")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)
