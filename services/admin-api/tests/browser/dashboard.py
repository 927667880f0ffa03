"""The dashboard in a real browser (Debian's Chromium, headless, driven by
Playwright), admin-api alone: sign in, the overview with every other
service down (degraded, not broken), create a viewer, find it in the audit
log, a reload that keeps the session through the refresh cookie, sign out,
and the viewer who cannot reach the administrators' pages. Run by
admin-api's `browser` test against a service it started; writes a
screenshot of each page it visits. The pages that read the other services
are driven by tests/e2e/browser/dashboard.py.

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
    # The browser logs every failed fetch (the 401 of a wrong password, the
    # 503s of services that are down here); anything else is an error.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)

    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=shots / "sign-in.png")

    # A wrong password says so, and signs nobody in.
    signin = page.locator("#signin")
    signin.get_by_label("E-mail").fill(email)
    signin.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_contain_text("Wrong e-mail or password")

    signin.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in")).to_be_hidden()
    expect(page.get_by_text(f"{email} (admin)")).to_be_visible()
    # The other services are not running here: shown degraded, not broken.
    expect(page.locator("#services tr").first).to_contain_text("unavailable")
    expect(page.get_by_role("alert").filter(has_text="Some figures could not be loaded")).to_be_visible()
    expect(page.locator("#chart-downloads")).to_contain_text("Unavailable.")
    expect(page.locator("#figures .card").first).to_contain_text("Extensions")
    page.screenshot(path=shots / "overview-degraded.png", full_page=True)

    # Nothing a script could read later holds a token.
    stored = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""], stored

    # The overview's calls all getting a 401 at once (an expired token)
    # refresh the session once: a second refresh would present a spent
    # refresh token, which admin-api takes for a stolen one and ends every
    # session of the user.
    page.evaluate("() => { session.token = 'expired'; return overview(); }")
    expect(page.locator("#figures .card").first).to_contain_text("Extensions")
    page.evaluate("() => { session.token = 'expired'; return overview(); }")
    expect(page.get_by_text(f"{email} (admin)")).to_be_visible()

    # Users: create a viewer.
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    new_user = page.locator("#new-user")
    new_user.get_by_label("E-mail").fill("viewer@example.com")
    new_user.get_by_label("Password").fill("viewer-password-2026")
    new_user.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Create").click()
    row = page.locator("#user-rows tr", has_text="viewer@example.com")
    # Hashing the password is slow on purpose (Argon2id, a debug build here).
    expect(row).to_be_visible(timeout=30000)
    expect(page.get_by_label("Role of viewer@example.com")).to_have_value("viewer")
    page.screenshot(path=shots / "users.png", full_page=True)

    # The audit log has what the test just did.
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    page.get_by_label("Action").fill("user.created")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-rows tr").first).to_contain_text("user.created")
    page.screenshot(path=shots / "audit.png", full_page=True)
    page.get_by_role("link", name="Overview").click()

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

    # The viewer signs in: the overview without the services' internals, and
    # no users or audit pages.
    signin.get_by_label("E-mail").fill("viewer@example.com")
    signin.get_by_label("Password").fill("viewer-password-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("viewer@example.com (viewer)")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("heading", name="Services")).to_be_hidden()
    expect(page.get_by_role("link", name="Users")).to_be_hidden()
    page.goto(f"{base}/admin/#/users")
    expect(page.get_by_role("heading", name="Not for your role")).to_be_visible()

    # Any user makes their own access tokens: one a viewer may not hold is
    # refused with the reason, one it may is shown once, then revoked.
    page.get_by_role("link", name="Tokens").click()
    expect(page.get_by_role("heading", name="Access tokens")).to_be_visible()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    form = page.locator("#new-token")
    form.get_by_label("Name").fill("nightly report")
    form.get_by_label("Scopes").fill("publish:acme")
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#tokens-error")).to_contain_text("needs the editor role")
    form.get_by_label("Name").fill("nightly report")
    form.get_by_label("Scopes").fill("stats:read")
    form.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Copy your new token now")).to_be_visible()
    expect(page.locator("#token-secret-value")).to_contain_text("sora_pat_")
    expect(page.get_by_role("cell", name="nightly report", exact=True)).to_be_visible()
    page.screenshot(path=shots / "dashboard-tokens.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke nightly report").click()
    expect(page.get_by_role("cell", name="revoked", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # A narrow screen still works.
    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    browser.close()
    assert not errors, errors
print("dashboard: ok")
