"""The dashboard in a real browser (Debian's Chromium, headless, driven by
Playwright): sign in, the overview, a reload that keeps the session through
the refresh cookie, sign out. Run by admin-api's `browser` test against a
service it started; writes a screenshot of each page it visits.

usage: dashboard.py BASE_URL CHROMIUM SCREENSHOT_DIR EMAIL PASSWORD
"""

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

base, chromium, shots, email, password = sys.argv[1:6]
shots = Path(shots)
shots.mkdir(parents=True, exist_ok=True)

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "401" not in m.text else None)

    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=shots / "sign-in.png")

    # A wrong password says so, and signs nobody in.
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_contain_text("Wrong e-mail or password")

    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in")).to_be_hidden()
    expect(page.get_by_text(f"{email} (admin)")).to_be_visible()
    # The other services are not running here: shown degraded, not broken.
    expect(page.locator("#services tr").first).to_contain_text("unavailable")
    expect(page.locator("#figures .card").first).to_contain_text("Users")
    page.screenshot(path=shots / "overview.png", full_page=True)

    # Nothing a script could read later holds a token.
    stored = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""], stored

    # A reload keeps the session: the HttpOnly cookie gives a new token.
    page.reload()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    # Sign out: back to sign-in, and a reload stays signed out.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # A narrow screen still works.
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=shots / "sign-in-narrow.png")
    browser.close()
    assert not errors, errors
print("dashboard: ok")
