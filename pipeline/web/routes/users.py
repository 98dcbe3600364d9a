"""Accounts for admins: who has one, their state, and "end all sessions of X"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from models import WebSession
from pipeline.core.db import Database
from pipeline.operations.accounts import users as accounts
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect
from pipeline.web.render import render

router = APIRouter()


@router.get("/users", name="users")
def users_page(request: Request, viewer: Annotated[Viewer, needs("users")]) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        people = accounts.list_users(session)
        rows = session.execute(
            select(WebSession.user_id, func.count())
            .where(WebSession.state == "active")
            .group_by(WebSession.user_id)
        )
        counts = {user_id: count for user_id, count in rows}
    return render(request, "users.html", {"people": people, "counts": counts})


@router.post("/users/{name}/end-sessions", name="users_end_sessions")
def end_sessions(
    request: Request, name: str, viewer: Annotated[Viewer, needs("users")]
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        accounts.end_sessions(session, viewer.settings, name)
    return redirect("/users")
