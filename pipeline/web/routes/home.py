"""The start page: who you are, and the pages your role opens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pipeline.web.access import Viewer, needs
from pipeline.web.render import render

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, viewer: Annotated[Viewer, needs("home")]) -> Response:
    return render(request, "home.html")
