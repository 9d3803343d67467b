"""Render the report as one self-contained HTML page (figures embedded as PNG data)."""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime

from analysis.report_sections import Options, Section
from analysis.results import Results

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #222; background: #fafafa; line-height: 1.5; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #0173b2; padding-bottom: 0.2rem;
     margin-top: 2.5rem; }
.meta { color: #666; font-size: 0.9rem; }
.reading li { margin-bottom: 0.35rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9rem; }
nav ol { columns: 2; font-size: 0.95rem; }
.skipped li { color: #555; }
code { background: #f2f2f2; padding: 0 0.25rem; border-radius: 3px; }
"""


def render_html(
    results: Results, sections: list[Section], skipped: list[tuple[str, str]], options: Options
) -> str:
    """The whole page: title, contents, one block per section, the skipped sections, footer."""
    esc = html.escape
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Continuity report: {esc(results.title)}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>{esc(results.title)}</h1>",
        f'<p class="meta">Results in <code>{esc(str(results.directory))}</code> · '
        f"report made {when} by <code>continuity report</code> · metric compared: "
        f"<code>{esc(options.value)}</code></p>",
        "<nav><ol>",
        *(f'<li><a href="#{s.key}">{esc(s.title)}</a></li>' for s in sections),
        *(['<li><a href="#skipped">Sections skipped</a></li>'] if skipped else []),
        "</ol></nav>",
    ]
    for s in sections:
        parts.append(_section(s))
    if skipped:
        parts.append('<h2 id="skipped">Sections skipped</h2><ul class="skipped">')
        parts += [f"<li><b>{esc(t)}</b>: {esc(why)}</li>" for t, why in skipped]
        parts.append("</ul>")
    parts.append(
        '<p class="meta">Every figure is also in this folder as PNG and SVG. '
        "The model is described in docs/ODD.md; the terms (momentum, continuity index, "
        "coverage, density) in docs/analysis.md.</p>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _section(s: Section) -> str:
    esc = html.escape
    out = [f'<section id="{s.key}"><h2>{esc(s.title)}</h2>']
    if s.text:
        out.append('<ul class="reading">')
        out += [f"<li>{esc(line)}</li>" for line in s.text]
        out.append("</ul>")
    pngs = [p for p in s.figures if p.suffix == ".png"]
    for png in pngs:
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        svg = png.with_suffix(".svg").name
        out.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{esc(s.title)}">'
            f"<figcaption>{esc(s.caption)} Files: "
            f'<a href="{esc(png.name)}">{esc(png.name)}</a>, '
            f'<a href="{esc(svg)}">{esc(svg)}</a>.</figcaption></figure>'
        )
    out.append("</section>")
    return "\n".join(out)
