"""Screenshots of an attendee's journey at phone size, in each of the site's languages, for the
README: the event page, the filled-in form, the page after registering and the confirmation
email. Run by `make screenshots`.

The site runs as `make run` runs it, but on a throwaway SQLite database with the demo data
(`manage.py load_demo`), so the pictures never show anyone's real data and are the same from
one run to the next but for the dates. The confirmation email is the one the site stored,
shown in the browser with its check-in code in place of the attachment it refers to. The PNG
files are shrunk with pngquant and optipng when they are installed (the make target installs
them).
"""

import base64
import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PHONE = {"width": 390, "height": 844}
EVENT = "/events/open-government-ai-procurement-public-participation/"
# Who registers in each language: the email and the pages greet them by name.
ATTENDEES = {
    "en": ("Ada Lovelace", "ada@example.org", "Analytical Engines"),
    "es": ("Lucía Fernández", "lucia@example.org", "Ayuntamiento de Vitoria-Gasteiz"),
    "eu": ("Miren Etxeberria", "miren@example.org", "Arabako Foru Aldundia"),
}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="turnout-screenshots-") as folder:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=f"sqlite:///{folder}/screenshots.sqlite3",
            DEBUG="1",
            HTTPS_ONLY="0",
            # The confirmation is written when it is sent: sent at once, to the console.
            SEND_EMAIL_IMMEDIATELY="1",
            CACHE_URL="locmem://",
            EVENT_PAGE_CACHE_SECONDS="0",
            # The ORM is used beside Playwright's event loop, in this one thread.
            DJANGO_ALLOW_ASYNC_UNSAFE="true",
        )
        # Headed by the demo data's organisation, as `make run` shows the demo.
        os.environ.setdefault("ORGANISATION_NAME", "Connected by Data")
        os.environ.setdefault("ORGANISATION_WEBSITE", "https://connectedbydata.org/")
        sys.path.insert(0, str(ROOT))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        with contextlib.redirect_stdout(io.StringIO()):
            # The demo's own registrations send their emails to the console.
            call_command("load_demo", verbosity=0)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            site = f"http://127.0.0.1:{port}"
            wait_for(site)
            take_all(site)
        finally:
            server.terminate()
            server.wait()
    for picture in sorted(HERE.glob("*.png")):
        shrink(picture)
        print(f"{picture.relative_to(ROOT)}: {picture.stat().st_size // 1024} KB")


def take_all(site: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        for language in ATTENDEES:
            # Someone near the demo event, in Vitoria-Gasteiz: the times need no conversion.
            context = browser.new_context(
                viewport=PHONE, locale=language, timezone_id="Europe/Madrid"
            )
            context.add_cookies([{"name": "django_language", "value": language, "url": site}])
            take_journey(context.new_page(), site, language)
            context.close()
        browser.close()


def take_journey(page, site: str, language: str) -> None:
    name, email, organisation = ATTENDEES[language]
    page.goto(f"{site}{EVENT}")
    page.screenshot(path=HERE / f"event-{language}.png", full_page=True)

    page.goto(f"{site}{EVENT}register/")
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#id_organisation").fill(organisation)
    page.locator("#id_privacy_consent").check()
    page.screenshot(path=HERE / f"form-{language}.png", full_page=True)

    page.locator("#register-form button[type=submit]").click()
    page.wait_for_url("**/registered/")
    page.screenshot(path=HERE / f"registered-{language}.png", full_page=True)

    # On a blank page of its own: the site's Content-Security-Policy would drop its style.
    page.goto("about:blank")
    page.set_content(confirmation_html(email))
    page.screenshot(path=HERE / f"email-{language}.png", full_page=True)


def confirmation_html(address: str) -> str:
    """The confirmation email the site stored for ``address``, with its check-in code shown
    where the email refers to its attachment."""
    from registrations import checkin_code
    from registrations.models import OutboundEmail

    email = OutboundEmail.objects.get(
        recipient=address, kind=OutboundEmail.Kind.CONFIRMATION, compose_later=False
    )
    code = base64.b64encode(checkin_code.png(email.registration)).decode()
    return email.body_html.replace("cid:checkin-code", f"data:image/png;base64,{code}")


def shrink(picture: Path) -> None:
    """Fewer colours (pngquant, unseen at this size), then lossless compression (optipng)."""
    if pngquant := shutil.which("pngquant"):
        subprocess.run(
            [pngquant, "--force", "--skip-if-larger", "--output", picture, "--", picture],
            check=False,  # "skip if larger" leaves the picture as it was, with an exit code
        )
    if optipng := shutil.which("optipng"):
        subprocess.run([optipng, "-quiet", "-o2", picture], check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(site: str) -> None:
    for _attempt in range(100):
        try:
            with urlopen(f"{site}/healthz", timeout=1):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The site did not start at {site}")


if __name__ == "__main__":
    main()
