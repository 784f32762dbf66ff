"""The dashboard as an aiohttp sub-application, mounted at /dashboard/ on the ops server."""

from __future__ import annotations

from aiohttp import web

from adapters.dashboard import auth, views
from adapters.dashboard.config import DashboardConfig
from adapters.dashboard.render import STATIC
from core.service import Gigguard

PREFIX = "/dashboard/"


def dashboard_app(core: Gigguard, config: DashboardConfig) -> web.Application:
    app = web.Application(middlewares=[auth.guard])
    app[auth.CORE] = core
    app[auth.CONFIG] = config
    app.router.add_get("/login", auth.login)
    app.router.add_post("/logout", auth.logout)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/", views.overview)
    app.router.add_get("/export.json", views.export_json)
    app.router.add_get("/export.csv", views.export_csv)
    app.router.add_get("/broadcasts", views.broadcasts)
    app.router.add_post("/broadcasts", views.draft)
    app.router.add_post("/broadcasts/estimate", views.estimate)
    app.router.add_get("/broadcasts/{id}", views.broadcast)
    app.router.add_get("/broadcasts/{id}/progress", views.progress)
    app.router.add_post("/broadcasts/{id}/confirm", views.confirm)
    app.router.add_post("/broadcasts/{id}/cancel", views.cancel)
    app.router.add_get("/knowledge", views.knowledge)
    app.router.add_post("/knowledge/files", views.save_file)
    app.router.add_post("/knowledge/notes", views.add_note)
    app.router.add_post("/knowledge/notes/delete", views.delete_note)
    app.router.add_post("/knowledge/reload", views.reload)
    app.router.add_post("/knowledge/policy", views.record_policy_update)
    app.router.add_get("/inbox", views.inbox)
    app.router.add_post("/inbox/{id}/answer", views.answer_question)
    app.router.add_post("/inbox/{id}/dismiss", views.dismiss_question)
    return app


def mount(parent: web.Application, core: Gigguard, config: DashboardConfig) -> None:
    parent.add_subapp(PREFIX, dashboard_app(core, config))
