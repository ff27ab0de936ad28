"""VOLT problem profiles (victims, offenders, locations, themes) from a network analysis."""

from joinedup.network.profile.build import build_profile, coverage
from joinedup.network.profile.render import render_html, render_markdown, write_profile

__all__ = ["build_profile", "coverage", "render_html", "render_markdown", "write_profile"]
