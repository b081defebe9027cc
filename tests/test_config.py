"""Settings: defaults <- TOML file <- THB_GRAPH_* environment <- flags, and their docs."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from thb_graph.config import Settings, load_settings, setting_help
from thb_graph.errors import ConfigError

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme() -> str:
    return README.read_text(encoding="utf-8") if README.is_file() else ""


def test_defaults_need_no_file_and_no_environment() -> None:
    settings = load_settings(env={})
    assert settings == Settings()
    assert settings.base_iri.endswith("/")


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "thb.toml"
    config.write_text('port = 9000\npage_size = 10\nstore = "memory"\n', encoding="utf-8")
    env = {"THB_GRAPH_PORT": "9100", "THB_GRAPH_CONFIG": str(config)}
    settings = load_settings(env=env, overrides={"page_size": 25, "store": None})
    assert settings.port == 9100, "environment beats the file"
    assert settings.page_size == 25, "flags beat the file"
    assert settings.store == "memory", "an unset flag falls through to the file"


def test_explicit_config_file_beats_the_environment_variable(tmp_path: Path) -> None:
    one, two = tmp_path / "one.toml", tmp_path / "two.toml"
    one.write_text("port = 1111\n", encoding="utf-8")
    two.write_text("port = 2222\n", encoding="utf-8")
    settings = load_settings(config_file=two, env={"THB_GRAPH_CONFIG": str(one)})
    assert settings.port == 2222


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("0", False), ("yes", True), ("off", False)]
)
def test_booleans_from_the_environment(raw: str, expected: bool) -> None:
    settings = load_settings(env={"THB_GRAPH_VALIDATE_ON_START": raw})
    assert settings.validate_on_start is expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THB_GRAPH_PORT": "eighty"}, "port"),
        ({"THB_GRAPH_VALIDATE_ON_START": "maybe"}, "validate_on_start"),
        ({"THB_GRAPH_BASE_IRI": "http://x.test/no-slash"}, "base_iri"),
    ],
)
def test_bad_values_are_config_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_unknown_setting_in_a_file_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "thb.toml"
    config.write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_settings(config_file=config, env={})


def test_unreadable_settings_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(config_file=tmp_path / "missing.toml", env={})
    broken = tmp_path / "broken.toml"
    broken.write_text("port = = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(config_file=broken, env={})


def test_replace_coerces_like_the_environment() -> None:
    assert Settings().replace(port="8080").port == 8080


def test_every_setting_has_a_one_line_help() -> None:
    helps = setting_help()
    assert set(helps) == {f.name for f in fields(Settings)}
    for name, text in helps.items():
        assert text and "\n" not in text, name


def test_every_setting_is_documented_in_the_readme() -> None:
    text = _readme()
    missing = [f.name for f in fields(Settings) if not re.search(rf"`{re.escape(f.name)}`", text)]
    assert missing == []
