"""What the commands print is UTF-8 whatever the locale: on Chinese Windows a redirected stdout (``> 结果.txt``,
``| findstr``) is GBK, and under ``LANG=C`` it is ASCII. A report holding a character such a code page lacks (𠀀 in
a name, an emoji) made the whole command fail with E_OUTPUT before; it must print, and exit with its own code."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from builders import load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _not_in_gbk(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return True
    return False


BEYOND_GBK = st.text(st.characters(categories=("Lo", "So", "Sm", "Lu", "Ll"), codec="utf-8").filter(_not_in_gbk),
                     min_size=1, max_size=4)
LOCALES = {"gbk": {"PYTHONIOENCODING": "gbk"}, "ascii": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
                                                          "PYTHONIOENCODING": ""}}


def validate_in(locale: str, path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **LOCALES[locale]}
    return subprocess.run([sys.executable, "-m", "gaip_xl", "validate", str(path)], capture_output=True, env=env,
                          check=False, timeout=120)


@pytest.mark.parametrize("locale", sorted(LOCALES))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=BEYOND_GBK)
def test_a_character_the_locale_lacks_is_printed_in_utf8(tmp_path, locale, text):
    document = json.loads(load_case("pingtan-2021").to_json())
    document["tables"]["s3"]["new"]["natural"] = text  # V1 quotes the cell's text
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    done = validate_in(locale, path)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    assert f"“{text}”" in done.stdout.decode("utf-8") and "校验结果" in done.stdout.decode("utf-8")
