"""The pages: each reads the form, calls core's services for the session's community, renders.

No figure is computed here: Overview and Export render core.community_figures (the figures
`stats` shows, hidden under five members), Broadcasts calls core.delivery.broadcasting (what
`broadcast` and `broadcasts` call), policy updates go through the same validation as
`policy-update`, knowledge edits through CommunityFiles and the reload every bot uses, and the
Inbox calls core.moderators_inbox (what `inbox`, `inbox answer` and `inbox dismiss` call).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from adapters.dashboard.auth import CONFIG, CORE, CSRF, MODERATOR
from adapters.dashboard.chart import trend_chart
from adapters.dashboard.render import page
from core import community_figures as figures_export
from core import moderators_inbox
from core.commands import policy
from core.commands.broadcasts import preview_lines
from core.commands.context import CommandContext
from core.community_figures import MIN_GROUP, CommunityFigures, community_figures
from core.dashboard.models import DashboardModerator
from core.dashboard_access import actor_of
from core.delivery import broadcasting
from core.delivery.broadcasting import Order
from core.delivery.compose import broadcast_reply
from core.errors import UserInputError
from core.inbox.entry import MAX_ANSWER
from core.knowledge import KnowledgeError
from core.knowledge.community_files import EDITABLE, NOTES, community_id
from core.knowledge.models import CommunityNote
from core.outbox import Audience, Broadcast, BroadcastState, Report, Status, Target
from core.render_text import render_plain
from core.requests import Actor, Request
from core.services import Services

RECENT = 20


def _moderator(request: web.Request) -> DashboardModerator:
    return request[MODERATOR]


def _services(request: web.Request) -> Services:
    return request.app[CORE].services


def _context(request: web.Request) -> CommandContext:
    return CommandContext(Request(_actor(request), ""), _services(request))


def _actor(request: web.Request) -> Actor:
    return actor_of(_moderator(request))


def _page(request: web.Request, template: str, *, status: int = 200, **values: Any) -> web.Response:
    moderator = _moderator(request)
    return page(
        template,
        status=status,
        csrf=request[CSRF],
        community=f"{moderator.key.platform} / {moderator.community}",
        path=request.path,
        **values,
    )


def _see_other(location: str) -> web.Response:
    """Post/redirect/get: reloading the page never repeats the action."""
    raise web.HTTPSeeOther(location)


async def _figures(request: web.Request) -> CommunityFigures:
    moderator = _moderator(request)
    return await community_figures(
        _services(request), platform=moderator.key.platform, workspace=moderator.community
    )


async def overview(request: web.Request) -> web.Response:
    figures = await _figures(request)
    return _page(
        request,
        "overview.html",
        figures=figures,
        chart=trend_chart(figures.trend),
        min_group=MIN_GROUP,
    )


async def export_json(request: web.Request) -> web.Response:
    return web.json_response(
        figures_export.export_json(await _figures(request)),
        headers={"Content-Disposition": 'attachment; filename="gigguard-stats.json"'},
    )


async def export_csv(request: web.Request) -> web.Response:
    return web.Response(
        text=figures_export.export_csv(await _figures(request)),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="gigguard-stats.csv"'},
    )


def _progress(broadcast: Broadcast, report: Report) -> dict[str, object]:
    finished = broadcast.state in (BroadcastState.DONE, BroadcastState.CANCELLED)
    # No copies queued yet: the first run has not fanned out (or had no one to send to).
    percent = report.done * 100 // report.queued if report.queued else 100 if finished else 0
    return {
        "id": broadcast.id,
        "state": broadcast.state.value,
        "queued": report.queued,
        "done": report.done,
        "percent": percent,
        "sent": report.total(Status.SENT),
        "skipped": report.total(Status.SKIPPED),
        "failed": report.total(Status.FAILED),
        "cancelled": report.total(Status.CANCELLED),
        "pending": report.total(Status.PENDING),
        "skipped_reasons": report.by_reason(Status.SKIPPED),
        "failed_reasons": report.by_reason(Status.FAILED),
    }


async def broadcasts(
    request: web.Request, *, error: str | None = None, form: Any = None
) -> web.Response:
    found = await broadcasting.reports(
        _services(request),
        platform=_moderator(request).key.platform,
        workspace=_moderator(request).community,
        limit=RECENT,
    )
    return _page(
        request,
        "broadcasts.html",
        status=400 if error else 200,
        rows=[(b, _progress(b, r)) for b, r in found],
        error=error,
        form=form or {},
        max_length=_services(request).pacing.platform(_moderator(request).key.platform).max_length,
    )


def _order(form: Any) -> Order:
    target = Target.CHANNEL if form.get("target") == Target.CHANNEL else Target.DM
    audience = Audience.PENDING if form.get("audience") == Audience.PENDING else Audience.ALL
    return Order(
        target=target,
        audience=audience,
        text=str(form.get("text", "")),
        channel=str(form.get("channel", "")).strip() or None,
        at=str(form.get("at", "")).strip() or None,
        every=str(form.get("every", "")).strip() or None,
    )


async def draft(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        shown = await broadcasting.draft(_services(request), _actor(request), _order(form))
    except UserInputError as exc:
        return await broadcasts(request, error=str(exc), form=form)
    return _see_other(f"/dashboard/broadcasts/{shown.broadcast.id}")


async def estimate(request: web.Request) -> web.Response:
    """The live preview while composing: who, how many, how long, and the message as it
    arrives. Validated exactly as a draft; nothing is stored."""
    services = _services(request)
    try:
        found = await broadcasting.estimate(services, _actor(request), _order(await request.post()))
    except UserInputError as exc:
        return web.json_response({"ok": False, "error": str(exc)}, status=400)
    as_dm = found.broadcast.target is Target.DM
    return web.json_response(
        {
            "ok": True,
            "recipients": found.recipients,
            "eta_seconds": found.eta.total_seconds(),
            "summary": "\n".join(preview_lines(_context(request), found)),
            "message": render_plain(broadcast_reply(services, found.broadcast, as_dm=as_dm)),
        }
    )


def _broadcast_id(request: web.Request) -> int:
    given = request.match_info["id"]
    if not given.isdigit():
        raise web.HTTPNotFound()
    return int(given)


async def _one(request: web.Request) -> tuple[Broadcast, Report]:
    try:
        return await broadcasting.report(
            _services(request), _actor(request), _broadcast_id(request)
        )
    except UserInputError as exc:  # not in this community: the same answer as no such id
        raise web.HTTPNotFound(text=str(exc)) from exc


async def broadcast(request: web.Request, *, error: str | None = None) -> web.Response:
    found, report = await _one(request)
    services = _services(request)
    preview = None
    if found.state is BroadcastState.DRAFT:  # the summary `broadcast` shows in chat
        shown = await broadcasting.preview(services, found)
        preview = "\n".join(preview_lines(_context(request), shown))
    received = render_plain(broadcast_reply(services, found, as_dm=found.target is Target.DM))
    return _page(
        request,
        "broadcast.html",
        status=400 if error else 200,
        b=found,
        progress=_progress(found, report),
        preview=preview,
        received=received,
        error=error,
    )


async def progress(request: web.Request) -> web.Response:
    found, report = await _one(request)
    return web.json_response(_progress(found, report))


async def confirm(request: web.Request) -> web.Response:
    try:
        confirmed = await broadcasting.confirm(
            _services(request), _actor(request), _broadcast_id(request)
        )
    except UserInputError as exc:
        return await broadcast(request, error=str(exc))
    return _see_other(f"/dashboard/broadcasts/{confirmed.id}")


async def cancel(request: web.Request) -> web.Response:
    try:
        await broadcasting.cancel(_services(request), _actor(request), _broadcast_id(request))
    except UserInputError as exc:
        return await broadcast(request, error=str(exc))
    return _see_other(f"/dashboard/broadcasts/{_broadcast_id(request)}")


async def knowledge(
    request: web.Request,
    *,
    errors: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
    notice: str | None = None,
) -> web.Response:
    config = request.app[CONFIG]
    services = _services(request)
    ctx = _context(request)
    async with services.uow() as uow:
        updates = await uow.policy.recent(
            platform=ctx.request.actor.key.platform,
            workspace=ctx.request.actor.scope,
            limit=policy.RECENT,
        )
    moderator = _moderator(request)
    here = community_id(moderator.key.platform, moderator.community)
    files = config.files
    notes: list[tuple[int, CommunityNote]] = []
    if files is not None:
        notes = [(i, n) for i, n in enumerate(files.notes()) if n.community == here]
    errors = errors or {}
    return _page(
        request,
        "knowledge.html",
        status=400 if errors else 200,
        enabled=files is not None,
        texts=texts or ({n: files.read(n) for n in EDITABLE} if files else {}),
        errors=errors,
        notice=notice,
        notes=notes,
        topics=sorted(services.knowledge.topics.values(), key=lambda t: t.title),
        guides=list(services.knowledge.guides.values()),
        names={g.id: g.name for g in services.knowledge.guides.values()},
        updates=updates,
        max_note=policy.MAX_NOTE,
    )


async def _apply(request: web.Request, changes: dict[str, str], key: str) -> web.Response:
    """Validate and save `changes`, then reload; a bad change is shown under its form."""
    config = request.app[CONFIG]
    assert config.files is not None
    try:
        config.files.save(changes)
    except KnowledgeError as exc:
        texts = {n: changes.get(n, config.files.read(n)) for n in EDITABLE}
        return await knowledge(request, errors={key: str(exc)}, texts=texts)
    reloaded = await config.reload() if config.reload else False
    notice = "saved and reloaded" if reloaded else "saved; the reload was refused (see the log)"
    return await knowledge(request, notice=notice)


def _files_or_404(request: web.Request) -> None:
    if request.app[CONFIG].files is None:
        raise web.HTTPNotFound(text="GIGGUARD_KNOWLEDGE_DIR is not set")


async def save_file(request: web.Request) -> web.Response:
    _files_or_404(request)
    form = await request.post()
    name = str(form.get("file", ""))
    if name not in EDITABLE:
        raise web.HTTPNotFound()
    return await _apply(request, {name: str(form.get("text", ""))}, name)


async def add_note(request: web.Request) -> web.Response:
    _files_or_404(request)
    files = request.app[CONFIG].files
    assert files is not None
    form = await request.post()
    moderator = _moderator(request)
    raw = {
        "topic": str(form.get("topic", "")),
        "note": str(form.get("note", "")),
        "community": community_id(moderator.key.platform, moderator.community),
    }
    try:
        note = CommunityNote.model_validate(raw)
    except ValueError as exc:
        return await knowledge(request, errors={NOTES: f"{files.directory / NOTES}: {exc}"})
    return await _apply(request, {NOTES: files.notes_with(note)}, NOTES)


async def delete_note(request: web.Request) -> web.Response:
    _files_or_404(request)
    files = request.app[CONFIG].files
    assert files is not None
    form = await request.post()
    moderator = _moderator(request)
    index = str(form.get("index", ""))
    try:
        text = files.notes_without(
            int(index) if index.isdigit() else -1,
            community_id(moderator.key.platform, moderator.community),
        )
    except KnowledgeError as exc:
        return await knowledge(request, errors={NOTES: str(exc)})
    return await _apply(request, {NOTES: text}, NOTES)


async def reload(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    if config.reload is None:
        raise web.HTTPNotFound()
    ok = await config.reload()
    return await knowledge(
        request, notice="reloaded" if ok else "the reload was refused: see the log"
    )


async def record_policy_update(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        await policy.record(
            _context(request),
            str(form.get("marketplace", "")),
            source=str(form.get("source", "")).strip() or None,
            note=str(form.get("note", "")),
        )
    except UserInputError as exc:
        return await knowledge(request, errors={"policy": str(exc)})
    return _see_other("/dashboard/knowledge#policy")


INBOX_PAGE = 20


async def inbox(
    request: web.Request, *, errors: dict[int, str] | None = None, answers: Any = None
) -> web.Response:
    found = await moderators_inbox.groups(_services(request), _actor(request))
    pages = max(1, -(-len(found) // INBOX_PAGE))
    given = request.query.get("page", "1")
    page = min(int(given), pages) if given.isdigit() and int(given) >= 1 else 1
    return _page(
        request,
        "inbox.html",
        status=400 if errors else 200,
        groups=found[(page - 1) * INBOX_PAGE : page * INBOX_PAGE],
        page=page,
        pages=pages,
        errors=errors or {},
        answers=answers or {},
        notice=request.query.get("notice"),
        editable=_services(request).editable_knowledge is not None,
        max_answer=MAX_ANSWER,
    )


def _group_id(request: web.Request) -> int:
    given = request.match_info["id"]
    if not given.isdigit():
        raise web.HTTPNotFound()
    return int(given)


async def answer_question(request: web.Request) -> web.Response:
    group_id = _group_id(request)
    text = str((await request.post()).get("answer", ""))
    try:
        done = await moderators_inbox.answer(_services(request), _actor(request), group_id, text)
    except UserInputError as exc:
        return await inbox(request, errors={group_id: str(exc)}, answers={group_id: text})
    notice = f"#{group_id} saved as the FAQ entry {done.topic}; DMs queued: {done.notified}"
    if not done.reloaded:
        notice += " (the reload was refused: see the log)"
    return _see_other("/dashboard/inbox?" + urlencode({"notice": notice}))


async def dismiss_question(request: web.Request) -> web.Response:
    group_id = _group_id(request)
    try:
        gone = await moderators_inbox.dismiss(_services(request), _actor(request), group_id)
    except UserInputError as exc:
        return await inbox(request, errors={group_id: str(exc)})
    notice = f"#{group_id} dismissed; questions removed: {gone}"
    return _see_other("/dashboard/inbox?" + urlencode({"notice": notice}))
