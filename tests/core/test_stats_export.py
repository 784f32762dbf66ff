"""`stats export` (moderators): the community's figures as CSV and JSON attachments, counts
only, hidden under five members exactly where `stats` hides them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.identity import MemberKey
from core.render_text import render_plain
from core.replies import Reply, Table
from core.requests import Actor, Place, Request
from core.service import Gigguard

MOD = MemberKey("slack", "T1", "UMOD")


async def run(core: Gigguard, who: MemberKey, text: str, moderator: bool = False) -> Reply:
    return await core.handle(Request(Actor(who, is_moderator=moderator), text, Place.DM))


async def finished_members(core: Gigguard, count: int) -> None:
    for n in range(count):
        await run(core, MemberKey("slack", "T1", f"U{n}"), "done all")


def exported(reply: Reply) -> tuple[list[list[str]], dict[str, object]]:
    by_mime = {a.mime: a for a in reply.attachments}
    assert sorted(by_mime) == ["application/json", "text/csv"]
    assert by_mime["text/csv"].filename == "gigguard-stats-2026-11-26.csv"
    assert by_mime["application/json"].filename == "gigguard-stats-2026-11-26.json"
    rows = list(csv.reader(io.StringIO(by_mime["text/csv"].content.decode())))
    return rows, json.loads(by_mime["application/json"].content)


def overview(reply: Reply) -> dict[str, str]:
    table = next(
        b for b in reply.blocks if isinstance(b, Table) and b.title == "Community overview"
    )
    return dict(table.rows)  # type: ignore[arg-type]


@pytest.mark.parametrize(("members", "shown"), [(4, None), (5, 5)])
async def test_export_hides_exactly_what_stats_hides(
    core: Gigguard, members: int, shown: int | None
) -> None:
    await finished_members(core, members)
    stats = await run(core, MOD, "stats", moderator=True)
    reply = await run(core, MOD, "stats export", moderator=True)
    rows, body = exported(reply)
    assert rows[0] == ["section", "figure", "value"]
    values = {(r[0], r[1]): r[2] for r in rows[1:]}
    figures = {(f["section"], f["figure"]): f["value"] for f in body["figures"]}  # type: ignore[attr-defined]
    assert body["hidden_under"] == 5 and body["community"] == "T1"
    assert overview(stats)["Members known"] == ("< 5" if shown is None else "5")
    assert figures[("community", "members")] == shown
    assert values[("community", "members")] == ("hidden" if shown is None else "5")
    assert figures[("upwork", "toggle:communications")] == shown
    assert [k for k in figures if k[0] == "trend"][-1] == ("trend", "2026-W48")  # weekly funnel
    assert figures[("trend", "2026-W48")] == shown
    # Counts of messages are not of people: shown in a small community too, as in stats.
    assert figures[("reminders", "sent")] == 0 and values[("reminders", "sent")] == "0"
    assert "U0" not in json.dumps(body) and "U0" not in str(rows)  # never who
    text = render_plain(reply)
    assert "CSV and JSON" in text and "fewer than 5 members are marked hidden" in text


async def test_export_is_for_moderators_and_other_words_are_refused(core: Gigguard) -> None:
    refused = await run(core, MOD, "stats export")
    assert "for moderators only" in render_plain(refused) and not refused.attachments
    unknown = await run(core, MOD, "stats everything", moderator=True)
    assert "I don't know stats “everything”" in render_plain(unknown), render_plain(unknown)
    assert not unknown.attachments
