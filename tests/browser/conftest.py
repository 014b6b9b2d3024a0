import os
import shutil
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The system's Chromium: Playwright's own browser download is not used.
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def axe_violations():
    """Run axe-core in the page and return its violations, to assert there are none."""

    def check(page):
        # Evaluated by the browser's debugging protocol: a <script> tag with the source inline
        # would be refused by the page's Content-Security-Policy, as it should.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
            f"{', '.join(node['target'][0] for node in violation['nodes'][:3])})"
            for violation in result["violations"]
        ]

    return check
