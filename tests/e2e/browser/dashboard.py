"""The dashboard in a real browser (Debian's Chromium, headless, driven by
Playwright) with file-server and feedback-api behind admin-api, on data the
Rust test created: 2 extensions (acme.plot 1.0.0 and 1.1.0, acme.map), the
layout "Camera review", 5 downloads, 12 feedback events (4 recommendations
shown, 2 accepted, a rating with a comment, a layout applied, acme.plot
installed twice and uninstalled once, acme.map installed once), each from
its own install.

The overview's charts drawn from those figures and their range; the CSV
export; yank a version and see it gone from file-server's public catalog;
feature, hide and show again; delete a layout; read a comment (decrypted,
redacted) and delete it; find those actions in the audit log; a viewer who
can read but not moderate. Writes a screenshot of each page.

usage: dashboard.py ADMIN_URL CHROMIUM SCREENSHOT_DIR EMAIL PASSWORD FILES_URL LAYOUT_ID
"""

import json
import re
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

base, chromium, shots, email, password, files, layout_id = sys.argv[1:8]
shots = Path(shots)
shots.mkdir(parents=True, exist_ok=True)


def public(path):
    """file-server's public API, as any client sees it (status, JSON)."""
    try:
        with urllib.request.urlopen(f"{files}{path}") as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, None


def sign_in(page, who, secret):
    form = page.locator("#signin")
    form.get_by_label("E-mail").fill(who)
    form.get_by_label("Password").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"{who} (")).to_be_visible()


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{base}/admin/")
    sign_in(page, email, password)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    # Charts from the test's data (last 7 days, the default range).
    downloads = page.get_by_role("img", name="Downloads per day")
    expect(downloads).to_have_attribute("aria-label", "Downloads per day, last 7 days: 5 in all")
    expect(downloads.locator("rect.bar")).to_have_count(7)
    expect(downloads.locator("rect.bar[data-value='5']")).to_have_count(1)
    expect(page.get_by_role("img", name="Feedback by type")).to_have_attribute(
        "aria-label", "Feedback by type, last 7 days: 12 events")
    expect(page.locator("#chart-feedback rect.bar[data-value='4']")).to_have_count(1)
    expect(page.get_by_role("img", name="Share of recommendations accepted")).to_have_attribute(
        "aria-label", "Share of recommendations accepted per day, last 7 days: 2 of 4")
    expect(page.locator("#figures")).to_contain_text("50%")
    # Adoption: installs counted by sketch (12, give or take a collision in
    # its registers), extension installs exactly.
    expect(page.get_by_role("img", name="Active installs per day")).to_have_attribute(
        "aria-label", re.compile(r"Active installs per day, last 7 days: 1[12] in the last 7 days, 1[12] in the last 30"))
    expect(page.get_by_role("img", name="New installs per day")).to_have_attribute(
        "aria-label", re.compile(r"New installs per day, last 7 days: 1[12] in all"))
    expect(page.locator("#figures")).to_contain_text("Weekly active installs")
    def installs(extension):
        return page.locator("#extension-installs tr", has=page.get_by_role("cell", name=extension))
    expect(installs("acme.plot").locator("td")).to_have_text([re.compile("acme.plot"), "2", "1", "1"])
    expect(installs("acme.map").locator("td")).to_have_text([re.compile("acme.map"), "1", "0", "1"])
    # Queues and services, for an admin; recommendation is down here.
    def service(name):
        return page.locator("#services tr", has=page.get_by_role("cell", name=name, exact=True))
    expect(service("recommendation")).to_contain_text("unavailable")
    expect(service("file-server")).to_contain_text("ok")
    expect(service("feedback-api")).to_contain_text("ok")
    expect(page.locator("#queues tr").first).to_be_visible()
    page.screenshot(path=shots / "overview.png", full_page=True)

    # Another range: hourly buckets over the last 24 hours, same totals.
    page.get_by_label("Range").select_option(label="Last 24 hours")
    expect(page.get_by_role("img", name="Downloads per hour")).to_have_attribute(
        "aria-label", "Downloads per hour, last 24 hours: 5 in all")
    # From the hour 24 hours ago to this one: 25 buckets, 24 on the hour.
    assert page.locator("#chart-downloads rect.bar").count() in (24, 25)

    # The CSV export, with the token the link itself cannot carry.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    csv = Path(download.value.path()).read_text()
    assert csv.startswith("date,metric"), csv[:200]
    assert "recommendations.accepted" in csv and "feedback.rating" in csv, csv
    assert ",extension.installs,extension,acme.plot,," in csv and "active_installs.weekly" in csv, csv

    # Catalog: search, versions, yank 1.1.0.
    page.get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("heading", name="Catalog")).to_be_visible()
    page.get_by_label("Search").fill("plot")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#catalog-rows tr")).to_have_count(1)
    page.get_by_role("button", name="Versions of acme.plot").click()
    expect(page.get_by_role("heading", name="Versions of acme.plot")).to_be_visible()
    page.get_by_role("button", name="Yank 1.1.0").click()
    expect(page.locator("#version-rows tr", has_text="1.1.0")).to_contain_text("yanked")
    expect(page.locator("#catalog-rows tr").first).to_contain_text("1.0.0")
    status, public_plot = public("/api/extensions/acme.plot")
    assert status == 200 and public_plot["version"] == "1.0.0", public_plot
    assert [v["yanked"] for v in public_plot["versions"] if v["version"] == "1.1.0"] == [True]

    # Feature it; hide acme.map and show it again.
    page.get_by_role("button", name="Feature acme.plot").click()
    expect(page.locator("#catalog-rows tr").first).to_contain_text("featured")
    page.screenshot(path=shots / "catalog.png", full_page=True)
    page.get_by_label("Search").fill("")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Hide acme.map").click()
    expect(page.locator("#unlisted-rows")).to_contain_text("acme.map")
    assert public("/api/extensions/acme.map")[0] == 404
    page.get_by_role("button", name="Show acme.map again").click()
    expect(page.locator("#catalog-rows")).to_contain_text("acme.map")
    expect(page.locator("#unlisted-rows")).to_contain_text("None.")
    assert public("/api/extensions/acme.map")[0] == 200

    # A version held for review: what the scan found, released with a reason.
    expect(page.locator("#held-rows")).to_contain_text("acme.loader 1.0.0")
    expect(page.locator("#held-rows")).to_contain_text("remote-import")
    assert public("/api/extensions/acme.loader/versions/1.0.0/download")[0] == 404
    page.get_by_label("Reason to release acme.loader 1.0.0").fill("the CDN is acme's own")
    page.get_by_role("button", name="Release acme.loader 1.0.0").click()
    expect(page.locator("#held-rows")).to_contain_text("None.")
    expect(page.locator("#catalog-rows")).to_contain_text("acme.loader")
    assert public("/api/extensions/acme.loader")[0] == 200

    # Delete the layout.
    page.get_by_label("Kind").select_option("layouts")
    expect(page.locator("#catalog-rows")).to_contain_text("Camera review")
    expect(page.locator("#catalog-rows")).to_contain_text("Image")
    page.get_by_role("button", name="Delete Camera review").click()
    expect(page.locator("#catalog-rows")).to_contain_text("The catalog is empty.")
    assert public(f"/api/layouts/{layout_id}")[0] == 404

    # Feedback: filter, read the comment (decrypted, redacted), delete it.
    page.get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", name="Feedback", exact=True)).to_be_visible()
    expect(page.locator("#feedback-page")).to_contain_text("(12)")
    page.get_by_label("Type", exact=True).select_option("rating")
    page.get_by_label("With a comment").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#feedback-rows tr")).to_have_count(1)
    expect(page.locator("#feedback-rows tr")).to_contain_text("4 of 5")
    page.get_by_role("button", name="Read comment").click()
    expect(page.locator("#feedback-comment")).to_have_text("Handy. Reach me at [email]")
    page.screenshot(path=shots / "feedback.png", full_page=True)
    page.get_by_role("button", name="Delete the event of").click()
    expect(page.locator("#feedback-rows")).to_contain_text("No feedback matches.")

    # The audit log has what this test did, through file-server's and
    # feedback-api's events.
    page.get_by_role("link", name="Audit log").click()
    for action, subject in [("extension.yanked", "acme.plot@1.1.0"),
                            ("extension.featured", "acme.plot"),
                            ("extension.shown", "acme.map"),
                            ("layout.deleted", layout_id),
                            ("feedback.read", "feedback"),
                            ("feedback.deleted", "feedback")]:
        page.get_by_label("Action").fill(action)
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#audit-rows tr").first).to_contain_text(subject, timeout=20000)

    # A viewer reads the catalog and the charts but cannot moderate.
    page.get_by_role("link", name="Users").click()
    new_user = page.locator("#new-user")
    new_user.get_by_label("E-mail").fill("reader@example.com")
    new_user.get_by_label("Password").fill("reader-password-2026")
    new_user.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Create").click()
    # Hashing the password is slow on purpose (Argon2id, a debug build here).
    expect(page.locator("#user-rows")).to_contain_text("reader@example.com", timeout=30000)

    # A workspace for Lichtblick's team layouts: the admin creates it (the
    # owner picked by e-mail), adds the reader as a writer, opens it to
    # anonymous reading; each change is in the audit log.
    page.get_by_role("link", name="Workspaces").click()
    form = page.locator("#new-workspace")
    form.get_by_label("Name").fill("field-team")
    form.get_by_label("Owner").fill(email)
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Members of field-team")).to_be_visible()
    expect(page.locator("#member-rows")).to_contain_text(email)
    members = page.locator("#new-member")
    members.get_by_label("User").fill("reader@example.com")
    members.get_by_label("Role").select_option("writer")
    page.get_by_role("button", name="Add member").click()
    member_rows = page.locator("#member-rows")
    expect(member_rows.get_by_label("Role of reader@example.com")).to_have_value("writer")
    page.get_by_label("Anyone may read its shared layouts").check()
    expect(page.locator("#workspace-rows tr", has_text="field-team")).to_contain_text("yes")
    # The last owner stays: demoting them is refused, and said.
    member_rows.get_by_label(f"Role of {email}").select_option("reader")
    expect(page.locator("#workspaces-error")).to_contain_text(f"`{email}` is the last owner")
    expect(member_rows.get_by_label(f"Role of {email}")).to_have_value("owner")
    page.screenshot(path=shots / "workspaces.png", full_page=True)
    status, listed = public("/api/lichtblick/workspaces/field-team/layouts?")
    assert status == 200 and listed["data"] == [], (status, listed)
    page.get_by_role("link", name="Audit log").click()
    for action in ["workspace.created", "workspace.member_set", "workspace.updated"]:
        page.get_by_label("Action").fill(action)
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#audit-rows tr").first).to_contain_text("field-team", timeout=20000)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "reader@example.com", "reader-password-2026")
    page.get_by_role("link", name="Overview").click()
    page.get_by_label("Range").select_option(label="Last 30 days")
    expect(page.get_by_role("img", name="Downloads per day, last 30 days: 5 in all")).to_be_visible()
    expect(page.get_by_role("heading", name="Queues")).to_be_hidden()
    expect(page.get_by_role("link", name="Feedback")).to_be_hidden()
    page.get_by_role("link", name="Catalog").click()
    expect(page.locator("#catalog-rows")).to_contain_text("acme.plot")
    page.get_by_role("button", name="Versions of acme.plot").click()
    expect(page.locator("#version-rows tr")).to_have_count(2)
    expect(page.get_by_role("button", name="Yank 1.0.0")).to_have_count(0)
    expect(page.get_by_role("button", name="Hide acme.plot")).to_have_count(0)
    expect(page.get_by_role("heading", name="Hidden and withdrawn extensions")).to_be_hidden()
    page.goto(f"{base}/admin/#/feedback")
    expect(page.get_by_role("heading", name="Not for your role")).to_be_visible()
    # Their workspace, as a writer: listed, not managed here.
    page.get_by_role("link", name="Workspaces").click()
    expect(page.locator("#workspace-rows tr", has_text="field-team")).to_contain_text("writer")
    expect(page.get_by_role("button", name="Members of field-team")).to_have_count(0)
    expect(page.get_by_role("heading", name="New workspace")).to_be_hidden()

    # A narrow screen.
    page.get_by_role("link", name="Overview").click()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("img", name="Downloads per day")).to_be_visible()
    page.screenshot(path=shots / "overview-narrow.png", full_page=True)
    browser.close()
    assert not errors, errors
print("dashboard (e2e): ok")
