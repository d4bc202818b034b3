"""GET /observatory in headless Chromium (Debian's `chromium`) over a served demo: the page
renders without a console error, the numbers of its tables are the API's, and a screenshot
is kept under the test run's artifacts (ACCORD_TEST_ARTIFACTS, default tests/artifacts)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from demo.loader import load_demo
from gateway.db import create_engine
from tests import federation_support as fed

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not on PATH (apt-get install -y chromium; .ci/run does): "
    "the observatory page is not rendered",
)
ARTIFACTS = Path(os.environ.get("ACCORD_TEST_ARTIFACTS", fed.REPO / "tests" / "artifacts"))
CELLS = """
query Cells($by: [Dimension!], $codes: [String!]) {
  indicators(by: $by, codes: $codes) {
    indicator dimensions { name value } value suppressed
  }
}
"""
SHOWN = ["ENROLLED", "CERTIFIED", "FIRST_TIME_PASS_RATE", "PLACEMENT_RATE"]


async def _load(url: str) -> None:
    engine = create_engine(url)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        await load_demo(session)
        await load_demo(session, scale="full", factor=0.01)
        await session.commit()
    await engine.dispose()


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fed.Hub]:
    """`accord serve` over the demo (its delivery at 1%), on a SQLite file of its own."""
    home = tmp_path_factory.mktemp("observatory-hub")
    url = f"sqlite+aiosqlite:///{home / 'accord.db'}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env["ACCORD_DATABASE_URL"] = url
    env["ACCORD_SIGNING_KEY_FILE"] = str(home / "signing-key.pem")
    hub = fed.Hub(home, env)
    hub.accord("db", "upgrade")
    asyncio.run(_load(url))
    command = [*fed.ACCORD, "serve", "--port", str(hub.port)]
    log = home / "serve.log"
    with fed.running(command, log=log, env=env, cwd=home) as process:
        fed.wait_until_ready(f"{hub.url}/readyz", process, log)
        yield hub


class _Cells(HTMLParser):
    """The table cells of the page that carry an indicator's value."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str | None]] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "td" and "data-indicator" in found:
            self.cells.append(found)
        self.svgs += tag == "svg"


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _api(hub: fed.Hub) -> dict[tuple[str, str, str], dict]:
    """What anonymous callers of `indicators` get, keyed as the page's cells are."""
    out = {}
    for by in ([], ["YEAR"], ["DISTRICT"], ["OPERATOR"]):
        codes = [*SHOWN, "TARGET_ATTAINMENT"] if not by else SHOWN
        if by == ["OPERATOR"]:
            codes = [*codes, "LABELLED_OFFERS_ACTIVE"]
        answer = httpx.post(
            f"{hub.url}/graphql", json={"query": CELLS, "variables": {"by": by, "codes": codes}}
        ).json()
        for cell in answer["data"]["indicators"]:
            programme, *rest = cell["dimensions"]
            dims = ";".join(f"{d['name']}={d['value'] or ''}" for d in rest)
            out[(cell["indicator"], programme["value"], dims)] = cell
    return out


def _console_errors(stderr: str) -> list[str]:
    markers = ("CONSOLE", "Uncaught", "Refused to", "net::ERR")
    return [line for line in stderr.splitlines() if any(m in line for m in markers)]


def test_the_page_renders_the_apis_numbers_beside_its_charts(served_demo):
    url = f"{served_demo.url}/observatory"
    # when: Chromium renders the page
    rendered = _chromium("--enable-logging=stderr", "--v=0", "--dump-dom", url)
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    # then: without a console error, nothing refused by its content policy
    assert _console_errors(rendered.stderr) == []
    page = _Cells()
    page.feed(rendered.stdout)
    # each chart has its table, in the programme's language and in English
    assert page.svgs >= 12
    assert 'lang="vi"' in rendered.stdout and "Theo địa bàn · By district" in rendered.stdout
    assert 'lang="fr"' in rendered.stdout and 'lang="zh"' in rendered.stdout
    # and every number in the DOM is the API's, suppressed where the API suppresses
    api = _api(served_demo)
    assert len(page.cells) > 60
    suppressed = 0
    for cell in page.cells:
        key = (cell["data-indicator"], cell["data-programme"], cell["data-dims"])
        expected = api[key]  # type: ignore[index]
        if expected["suppressed"]:
            assert cell.get("data-suppressed") == "true", key
            suppressed += 1
        elif expected["value"] is None:
            assert cell.get("data-empty") == "true", key
        else:
            assert float(cell["data-value"] or "nan") == expected["value"], key
    assert 0 < suppressed < len(page.cells)


def test_a_screenshot_is_kept_as_an_artifact(served_demo):
    # when
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "observatory.png"
    shot.unlink(missing_ok=True)
    done = _chromium(
        f"--screenshot={shot}", "--window-size=1280,4000", f"{served_demo.url}/observatory"
    )
    # then
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 20_000
    print(f"\nobservatory screenshot: {shot}")


def test_the_page_identifies_nobody_and_loads_nothing_from_elsewhere(served_demo):
    # when
    response = httpx.get(f"{served_demo.url}/observatory")
    # then: no script, no remote resource, and a policy that would refuse them
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    for fetching in ("<script", "src=", "href=", "url(", "@import"):
        assert fetching not in response.text, fetching
