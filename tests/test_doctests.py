"""The examples in docstrings (the analysis modules, the person package) are run, so they
stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import assetmap.analysis

MODULES = [
    f"assetmap.analysis.{info.name}"
    for info in pkgutil.iter_modules(assetmap.analysis.__path__)
] + ["assetmap.interop.person_package", "assetmap.interop.spreadsheet", "assetmap.i18n",
     "assetmap.config", "assetmap.web.maps", "assetmap.services.people", "assetmap.boundaries",
     "assetmap.reports",
     "assetmap.erasures", "assetmap.audit", "assetmap.services.subject_access"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
