"""The web application: settings and database once, routes, error pages, headers, CSRF."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from pipeline.core.db import Database, open_database
from pipeline.core.settings import Settings, load_settings
from pipeline.web import errors
from pipeline.web.access import check_routes
from pipeline.web.i18n import environments
from pipeline.web.routes import (
    account,
    auditlog,
    auth,
    authenticator,
    clinics,
    contacts,
    digests,
    effects,
    enrol,
    exports,
    home,
    jobs,
    label,
    reveal,
    rules,
    sites,
    system,
    targets,
    users,
)
from pipeline.web.security import SecurityHeaders, check_csrf
from pipeline.web.targetlist import TargetListCache

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The app for `scout web serve` (uvicorn calls this) and for tests."""
    settings = settings or load_settings()
    app = FastAPI(
        title="Scout",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.settings = settings
    app.state.database = database or open_database(settings)
    app.state.environments = environments(settings.tz)
    app.state.target_list = TargetListCache()
    outreach = (targets, jobs, clinics, reveal, contacts)
    pages = (*outreach, digests, effects, rules, label, sites, auditlog, exports)
    for module in (auth, enrol, home, account, authenticator, users, system, *pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    check_routes(app)  # deny by default: no route without a role-matrix key or a reason
    return app
