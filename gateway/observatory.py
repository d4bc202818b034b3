"""GET /observatory: the public observatory page, drawn on the server.

Per programme: targets against what was achieved, enrolled and certified over the years, and
the indicators by district and by operator with pass and placement rates; each chart beside
its table, headings in the programme's language and in English. It shows what an anonymous
caller of `indicators` gets (small cells suppressed) and loads nothing from elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import ANONYMOUS
from gateway.charts import Bar, bar_chart
from gateway.context import Hub
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.service import Cell, IndicatorQuery, indicator_cells
from stakeholders.parties.repository import PARTIES
from stakeholders.programmes.repository import readable_programmes

__all__ = ["router"]

router = APIRouter()

# The page's own words; a programme's language from its owner's country.
LANGUAGES = {"VN": "vi", "CN": "zh", "FR": "fr", "MA": "fr"}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "labelled_heading": "Labelled offers in force, by label holder",
        "labelled": "Labelled offers",
        "title": "Observatory",
        "targets": "Targets and achievement",
        "years": "Enrolled and certified by year",
        "district": "By district",
        "operator": "By operator",
        "rates": "Pass and placement rates",
        "target": "Target",
        "achieved": "Achieved",
        "attainment": "Attainment (%)",
        "enrolled": "Enrolled",
        "certified": "Certified",
        "pass": "First-time pass rate (%)",
        "placement": "Placement rate (%)",
        "none": "(none)",
        "hidden": "suppressed",
        "total": "Programme",
    },
    "fr": {
        "labelled_heading": "Formations labellisées en vigueur, par organisme",
        "labelled": "Formations labellisées",
        "title": "Observatoire",
        "targets": "Objectifs et réalisations",
        "years": "Inscrits et certifiés par année",
        "district": "Par territoire",
        "operator": "Par organisme de formation",
        "rates": "Taux de réussite et d'insertion",
        "target": "Objectif",
        "achieved": "Réalisé",
        "attainment": "Atteinte (%)",
        "enrolled": "Inscrits",
        "certified": "Certifiés",
        "pass": "Réussite au premier essai (%)",
        "placement": "Taux d'insertion (%)",
        "none": "(aucun)",
        "hidden": "masqué",
        "total": "Programme",
    },
    "vi": {
        "labelled_heading": "Khóa đào tạo được gắn nhãn còn hiệu lực, theo đơn vị",
        "labelled": "Khóa được gắn nhãn",
        "title": "Đài quan sát",
        "targets": "Chỉ tiêu và kết quả",
        "years": "Số học viên và số được cấp chứng nhận theo năm",
        "district": "Theo địa bàn",
        "operator": "Theo đơn vị đào tạo",
        "rates": "Tỷ lệ đạt và tỷ lệ có việc làm",
        "target": "Chỉ tiêu",
        "achieved": "Đạt được",
        "attainment": "Mức hoàn thành (%)",
        "enrolled": "Học viên",
        "certified": "Được cấp chứng nhận",
        "pass": "Tỷ lệ đạt lần đầu (%)",
        "placement": "Tỷ lệ có việc làm (%)",
        "none": "(không có)",
        "hidden": "ẩn",
        "total": "Chương trình",
    },
    # Full-width brackets (\uff08 \uff09) are the Chinese typography.
    "zh": {
        "labelled_heading": "有效认证培训项目\uff08按机构\uff09",
        "labelled": "认证培训项目",
        "title": "观察",
        "targets": "目标与完成情况",
        "years": "各年度培训与取证人数",
        "district": "按区县",
        "operator": "按培训机构",
        "rates": "通过率与就业率",
        "target": "目标",
        "achieved": "完成",
        "attainment": "完成率\uff08%\uff09",
        "enrolled": "培训人数",
        "certified": "取证人数",
        "pass": "首次通过率\uff08%\uff09",
        "placement": "就业率\uff08%\uff09",
        "none": "\uff08无\uff09",
        "hidden": "已隐藏",
        "total": "项目",
    },
}
BREAKDOWN = ("ENROLLED", "CERTIFIED", "FIRST_TIME_PASS_RATE", "PLACEMENT_RATE")
BREAKDOWN_WORDS = ("enrolled", "certified", "pass", "placement")
# Quality's labelled offers, where a programme has labels (public, never suppressed).
LABELLED = "LABELLED_OFFERS_ACTIVE"
STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}
section{border-top:2px solid #1f5f99;margin-top:2rem}
.pair{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #bbb;padding:.2rem .45rem;text-align:right}
th:first-child,td:first-child{text-align:left}
[data-suppressed]{color:#666}
@media print{section{break-inside:avoid}.pair{display:block}}
"""


@dataclass(frozen=True)
class ProgrammeView:
    id: int
    code: str
    name: str
    language: str
    # The programme's targets (public, as the programme is): label -> value.
    targets: dict[str, int]


@router.get("/observatory", response_class=HTMLResponse, include_in_schema=False)
async def observatory(request: Request) -> HTMLResponse:
    hub: Hub = request.app.state.hub
    async with hub.database.sessions() as session:
        programmes = await _programmes(session)
        names = await _party_names(session)
        cells = {
            by: await _cells(session, hub, by)
            for by in ((), (Dimension.YEAR,), (Dimension.DISTRICT,), (Dimension.OPERATOR,))
        }
    body = "".join(_section(p, cells, names) for p in programmes)
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f"<title>Accord — {WORDS['en']['title']}</title><style>{STYLE}</style></head>"
        f"<body><h1>Accord — {WORDS['en']['title']}</h1>"
        "<p>Indicators computed from the programmes' records. A count under the minimum "
        "cell size, or a rate over fewer people, is shown as suppressed, with enough others "
        "that none can be worked out from the totals.</p>"
        f"{body}</body></html>"
    )
    # Nothing to run and nothing to fetch: the page needs its own inline style only.
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
    return HTMLResponse(page, headers={"Content-Security-Policy": policy})


async def _programmes(session: AsyncSession) -> list[ProgrammeView]:
    readable = readable_programmes(ANONYMOUS).subquery()
    stmt = (
        select(
            readable.c.id,
            readable.c.code,
            readable.c.name,
            readable.c.targets,
            PARTIES.c.country,
        )
        .join(PARTIES, PARTIES.c.id == readable.c.owner_party_id)
        .order_by(readable.c.code)
    )
    rows = (await session.execute(stmt)).all()
    return [
        ProgrammeView(r.id, r.code, r.name, LANGUAGES.get(r.country, "en"), _targets_of(r.targets))
        for r in rows
    ]


def _targets_of(targets: list[dict[str, object]] | None) -> dict[str, int]:
    return {
        f"{t['metric']}:{t['periodStart']}..{t['periodEnd']}": int(str(t["value"]))
        for t in targets or []
    }


async def _party_names(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(select(PARTIES.c.code, PARTIES.c.name))
    return {code: name for code, name in rows.all()}


async def _cells(
    session: AsyncSession, hub: Hub, by: tuple[Dimension, ...]
) -> dict[tuple[str, str, tuple[str | None, ...]], Cell]:
    """The public's cells, keyed by indicator, programme and the values of `by`."""
    codes = ("TARGET_ATTAINMENT", *BREAKDOWN) if not by else BREAKDOWN
    if by == (Dimension.OPERATOR,):
        codes = (*codes, LABELLED)
    query = IndicatorQuery(codes=codes, by=by)
    found = await indicator_cells(
        session,
        ANONYMOUS,
        query,
        dialect=hub.database.dialect,
        min_cell_size=hub.settings.min_cell_size,
    )
    return {(c.indicator, c.programme, tuple(v for _, v in c.dimensions[1:])): c for c in found}


def _words(language: str, key: str) -> str:
    local, english = WORDS[language][key], WORDS["en"][key]
    return english if local == english else f"{local} · {english}"


def _section(programme: ProgrammeView, cells: dict, names: dict[str, str]) -> str:
    lang = programme.language
    return (
        f'<section lang="{lang}" id="{escape(programme.code)}">'
        f"<h2>{escape(programme.name)}</h2><p><code>{escape(programme.code)}</code></p>"
        + _targets(programme, cells[()])
        + _breakdown(programme, cells[(Dimension.YEAR,)], None, "years", ("enrolled", "certified"))
        + _breakdown(programme, cells[(Dimension.DISTRICT,)], names, "district", BREAKDOWN_WORDS)
        + _breakdown(programme, cells[(Dimension.OPERATOR,)], names, "operator", BREAKDOWN_WORDS)
        + _breakdown(programme, cells[()], None, "rates", BREAKDOWN_WORDS)
        + _labelled(programme, cells[(Dimension.OPERATOR,)], names)
        + "</section>"
    )


def _td(cell: Cell | None, hidden: str) -> str:
    if cell is None:
        return "<td></td>"
    dims = ";".join(f"{d}={v if v is not None else ''}" for d, v in cell.dimensions[1:])
    data = (
        f'data-indicator="{cell.indicator}" data-programme="{escape(cell.programme)}" '
        f'data-dims="{escape(dims)}"'
    )
    if cell.suppressed:
        return f'<td {data} data-suppressed="true"><abbr title="{escape(hidden)}">…</abbr></td>'
    if cell.value is None:
        return f'<td {data} data-empty="true">\u2013</td>'
    text = f"{cell.value:,.0f}" if cell.value.is_integer() else f"{cell.value:,.1f}"
    return f'<td {data} data-value="{cell.value!r}">{text}</td>'


def _targets(programme: ProgrammeView, cells: dict) -> str:
    lang = programme.language
    mine = [
        c
        for (code, p, _), c in cells.items()
        if p == programme.code and code == "TARGET_ATTAINMENT"
    ]
    mine = [c for c in mine if c.dimensions[-1][1]]
    if not mine:
        return ""
    labels = [dict(c.dimensions)[Dimension.TARGET] or "" for c in mine]
    goals = [float(programme.targets.get(label, 0)) for label in labels]
    bars = [
        Bar(label, (goal, c.numerator)) for label, goal, c in zip(labels, goals, mine, strict=True)
    ]
    series = (WORDS[lang]["target"], WORDS[lang]["achieved"])
    chart = bar_chart(_words(lang, "targets"), series, bars, hidden=WORDS[lang]["hidden"])
    head = "".join(f"<th>{escape(_words(lang, k))}</th>" for k in ("target", "attainment"))
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        f"<td>{goal:,.0f}</td>{_td(c, WORDS[lang]['hidden'])}</tr>"
        for label, goal, c in zip(labels, goals, mine, strict=True)
    )
    table = f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return _figure(_words(lang, "targets"), chart, table)


def _breakdown(
    programme: ProgrammeView,
    cells: dict,
    names: dict[str, str] | None,
    heading: str,
    columns: Sequence[str],
) -> str:
    lang = programme.language
    codes = [BREAKDOWN[BREAKDOWN_WORDS.index(c)] for c in columns]
    keys = sorted(
        {k for (code, p, k) in cells if p == programme.code and code in codes},
        key=lambda k: tuple(v or "" for v in k),
    )
    if not keys:
        return ""
    labels = [_label(k, names, lang) for k in keys]
    counts = [c for c in codes if c in ("ENROLLED", "CERTIFIED")]
    bars = [
        Bar(label, tuple(_value(cells.get((c, programme.code, k))) for c in counts))
        for label, k in zip(labels, keys, strict=True)
    ]
    series = [WORDS[lang][w] for w in ("enrolled", "certified")][: len(counts)]
    title = _words(lang, heading)
    chart = bar_chart(title, series, bars, hidden=WORDS[lang]["hidden"])
    head = "".join(f"<th>{escape(_words(lang, w))}</th>" for w in columns)
    hidden = WORDS[lang]["hidden"]
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(_td(cells.get((c, programme.code, k)), hidden) for c in codes)
        + "</tr>"
        for label, k in zip(labels, keys, strict=True)
    )
    table = f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return _figure(title, chart, table)


def _labelled(programme: ProgrammeView, cells: dict, names: dict[str, str]) -> str:
    """The programme's labelled offers in force, per holder: a chart and its table."""
    lang = programme.language
    mine = sorted(
        ((k, c) for (code, p, k), c in cells.items() if p == programme.code and code == LABELLED),
        key=lambda kc: tuple(v or "" for v in kc[0]),
    )
    if not mine:
        return ""
    labels = [_label(k, names, lang) for k, _ in mine]
    bars = [Bar(label, (_value(c),)) for label, (_, c) in zip(labels, mine, strict=True)]
    title, hidden = _words(lang, "labelled_heading"), WORDS[lang]["hidden"]
    chart = bar_chart(title, [WORDS[lang]["labelled"]], bars, hidden=hidden)
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>{_td(c, hidden)}</tr>'
        for label, (_, c) in zip(labels, mine, strict=True)
    )
    head = f"<th>{escape(_words(lang, 'labelled'))}</th>"
    table = f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return _figure(title, chart, table)


def _label(key: tuple[str | None, ...], names: dict[str, str] | None, lang: str) -> str:
    if not key:
        return WORDS[lang]["total"]
    (value,) = key
    if value is None:
        return WORDS[lang]["none"]
    return names.get(value, value) if names else value


def _value(cell: Cell | None) -> float | None:
    return None if cell is None or cell.suppressed else cell.value


def _figure(title: str, chart: str, table: str) -> str:
    return (
        f"<figure><figcaption><h3>{escape(title)}</h3></figcaption>"
        f'<div class="pair">{chart}{table}</div></figure>'
    )
