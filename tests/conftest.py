"""Shared fixtures of the whole suite."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from small_site_builder import SMALL_SITE


@pytest.fixture
def site_document() -> dict[str, Any]:
    """A fresh copy of the small site's document, to edit."""
    return copy.deepcopy(SMALL_SITE)
