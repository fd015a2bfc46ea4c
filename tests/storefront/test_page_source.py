"""The page's source never turns text into HTML or code: no innerHTML, outerHTML,
insertAdjacentHTML, document.write, eval or Function constructor, and no inline handler or
script in its HTML (its CSP would refuse them; this catches them before a browser does)."""

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
FORBIDDEN = re.compile(
    r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(|new Function\("
)


def test_the_pages_scripts_never_parse_text_as_html_or_code():
    sources = sorted((WEB / "src").rglob("*.js"))
    assert len(sources) >= 10
    found = [
        f"{path.relative_to(WEB)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert found == []


def test_the_pages_html_has_no_inline_script_or_handler():
    html = (WEB / "index.html").read_text()
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="module" src="/static/app.js">']
    assert not re.search(r"\son[a-z]+\s*=", html) and "javascript:" not in html
    assert "style=" not in html  # the CSP allows only the stylesheet
