#!/usr/bin/env python3
"""Screenshots of the dashboard's overview on a running `make run` (after
scripts/demo-traffic.py, say): docs/screenshots/make-run-overview.png (last
7 days) and make-run-overview-day.png (last 24 hours).

Needs Playwright (PyPI) and a Chromium: `make test` installs both, and then
    ~/.cache/sora/tools/bin/python scripts/screenshot-overview.py
"""

import os
import pathlib
import shutil

from playwright.sync_api import expect, sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADMIN = os.environ.get("SORA_ADMIN_API_URL", "http://127.0.0.1:3002")
EMAIL = os.environ.get("SORA_BOOTSTRAP_ADMIN_EMAIL", "admin@sora.local")
PASSWORD = os.environ.get("SORA_BOOTSTRAP_ADMIN_PASSWORD", "sora-admin-dev")
CHROMIUM = os.environ.get("SORA_TEST_CHROMIUM") or shutil.which("chromium")
SHOTS = ROOT / "docs" / "screenshots"

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{ADMIN}/admin/")
    form = page.locator("#signin")
    form.get_by_label("E-mail").fill(EMAIL)
    form.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.locator("#services tr").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SHOTS / "make-run-overview.png", full_page=True)
    page.get_by_label("Range").select_option(label="Last 24 hours")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SHOTS / "make-run-overview-day.png", full_page=True)
    browser.close()
print(f"screenshots in {SHOTS}")
