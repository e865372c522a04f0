"""Health check and the OpenAPI description (public, no patient data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from photodose.web.access import PUBLIC, Access

router = APIRouter()


@router.get("/api/health", tags=["system"])
def health(_: Annotated[object, Depends(Access(PUBLIC))]) -> dict[str, str]:
    return {"status": "ok"}
