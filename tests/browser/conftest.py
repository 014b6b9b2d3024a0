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


# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# ...and axe's best practices besides, for the journeys' own tests.
AXE_TAGS = [*WCAG_TAGS, "best-practice"]


@pytest.fixture(scope="session")
def axe_source():
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_violations(axe_source):
    """Run axe-core in the page and return its violations, to assert there are none: one line
    each, with the elements at fault and what is wrong with them."""

    def check(page, tags=AXE_TAGS):
        # Evaluated by the browser's debugging protocol: a <script> tag with the source inline
        # would be refused by the page's Content-Security-Policy, as it should. Once per page
        # load: the page is checked again as it is now, at another size, without loading it.
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            """async (tags) => await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
            })""",
            tags,
        )
        return [describe(violation) for violation in result["violations"]]

    return check


def describe(violation: dict) -> str:
    nodes = "; ".join(
        f"{' '.join(node['target'])}: {' '.join(node['failureSummary'].split())}"
        for node in violation["nodes"][:3]
    )
    more = len(violation["nodes"]) - 3
    return f"{violation['id']} ({violation['impact']}): {violation['help']}. {nodes}" + (
        f" … and {more} more" if more > 0 else ""
    )
