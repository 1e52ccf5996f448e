"""The FastAPI application: API, web UI, static files, middleware, and the service's life cycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from capwatch import __version__
from capwatch.service import api, ops, ui
from capwatch.service.middleware import BodyLimit, SecurityHeaders
from capwatch.service.runtime import Service

STATIC = Path(__file__).parent / "static"


def create_app(service: Service, *, manage: bool = True) -> FastAPI:
    """The application around ``service``; with ``manage`` it starts and stops the service."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage:
            await run_in_threadpool(service.start)
        try:
            yield
        finally:
            if manage:
                await run_in_threadpool(service.stop)

    app = FastAPI(
        title="capwatch review service",
        version=__version__,
        description="Scan package uploads before users install them; a queue for reviewers.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    app.include_router(api.router)
    app.include_router(ui.router)
    app.include_router(ops.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, upload_bytes=service.settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app
