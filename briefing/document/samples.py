"""Sample documents: a kitchen sink holding every node kind, and the hostile strings text must survive.

Used by the writer tests, the benchmarks and the GUI's style preview; stdlib and domain only.
"""

from __future__ import annotations

from datetime import date

from briefing.document.nodes import (
    BulletList,
    Callout,
    Cell,
    Cite,
    Column,
    Document,
    Emphasis,
    Figure,
    Heading,
    KeyFigure,
    KeyFigures,
    Link,
    Metadata,
    NumberRef,
    Paragraph,
    Reference,
    References,
    Section,
    Strong,
    Summary,
    Table,
    Text,
)
from briefing.domain.charts import ChartKind, ChartSpec

LONG_TEXT_LENGTH = 50_000

# Text that must come out of every writer literally and completely: markup of every kind the
# writers' formats speak, an entity, a path and a javascript: URL that must never be followed,
# TeX, CJK, emoji, right-to-left scripts and control characters.
HOSTILE: dict[str, str] = {
    "bold-tag": "Tags stay text: <b>bold</b> and </i> closes nothing",
    "entity": "An entity stays literal: &amp; &lt;b&gt; &#x41; &nbsp;",
    "img": 'An image tag is just text: <img src="/etc/passwd"/>',
    "anchor": 'A link tag is just text: <a href="javascript:x">click</a>',
    "tex": "TeX stays text: $x$ and $$\\frac{1}{2}$$ and \\(y\\)",
    "cjk": "CJK: 词元 (ciyuan) 日本語のテキスト 한국어",
    "emoji": "Emoji: 😀 rocket 🚀 flag 🇯🇵",
    "rtl": "RTL: שלום עולם and مرحبا بالعالم end",
    "control": "Controls\x00 NUL\x07 BEL\x1b ESC\x0b VT end",
    "markdown": "Markdown stays text: **not bold** _not em_ [x](http://e.com) # not a heading | pipe |",
    "quotes": "Quotes \"double\" 'single' `back` and a backslash \\ here",
}

# What each hostile string should read as once control characters (which no format can hold) go.
HOSTILE_EXPECTED: dict[str, str] = {
    key: "".join(ch for ch in text if ch in "\t\n" or not (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0))
    for key, text in HOSTILE.items()
}


def long_text(n: int = LONG_TEXT_LENGTH) -> str:
    """n characters of varied prose with a marker at each end, to prove nothing was cut."""
    words = ("Tokens", "models", "wafers", "prices", "rollout", "open-weight", "policy", "Ascend", "Qwen",
             "DeepSeek", "infrastructure", "adoption")
    out: list[str] = ["BEGIN-OF-LONG-TEXT"]
    size = len(out[0])
    i = 0
    while size < n - 20:
        word = words[i % len(words)] + ("." if i % 17 == 16 else "")
        out.append(word)
        size += len(word) + 1
        i += 1
    out.append("END-OF-LONG-TEXT")
    return " ".join(out)


def sample_chart(key: str = "sample", title: str = "A sample chart") -> ChartSpec:
    return ChartSpec(key=key, kind=ChartKind.BAR, title=title, subtitle="Made-up values for layout tests",
                     series=("sample",), alt_text="Bar chart of three made-up values: 3, 5 and 2.")


def kitchen_sink(*, hostile: bool = True, long: bool = False, figure_data: object = None) -> Document:
    """A document with every node kind; with `hostile`, every hostile string in a body paragraph."""
    refs = References(
        entries=(
            Reference(1, 101, "Example Publisher", "A report with a web address", "https://example.com/report?a=1&b=2",
                      "March 2026", "April 2026", anchor="ref-1"),
            Reference(2, 102, "Another Source", "A source without a URL", None, "2026", anchor="ref-2"),
            Reference(3, 103, "Hostile Source", "A source whose URL is not a web address", "javascript:alert(1)",
                      anchor="ref-3"),
        )
    )
    key_figures = KeyFigures(
        items=(
            KeyFigure("140 trillion", "Daily tokens", "March 2026 · China", "f-one", 0, (101,), (1,)),
            KeyFigure("61%", "Share of top-ten usage", "February 2026", "f-two", 0, (102,), (2,)),
            KeyFigure("$0.028", "Price per million tokens", "", "f-three", 0, (101, 102), (1, 2)),
            KeyFigure("600,000", "Ascend 910C chips planned", "2026", "f-four", 0, (), (), qualifier="about"),
        ),
        title="Key figures",
    )
    first = Section(
        key="every-inline",
        title="Every inline run",
        anchor="sec-every-inline",
        blocks=(
            Paragraph((Text("Lead paragraph in the lead style."),), style="lead"),
            Paragraph((
                Strong("Strong lead-in."), Text(" Plain text, "), Emphasis("emphasis"), Text(", a number "),
                NumberRef("140 trillion", "f-one", 0, (101,), (1,), marker=False), Text(" and another "),
                NumberRef("61%", "f-two", 0, (102,), (2,), marker=True), Text(". A bare citation"),
                Cite("f-three", (101, 102), (1, 2)), Text(", a "), Link("web link", "https://example.com/page"),
                Text(" and a "), Link("script link", "javascript:alert(1)"), Text(" that stays text."),
            )),
            Heading("A second-level heading", level=2, anchor="h-second"),
            Paragraph((Text("A quotation in the quote style."),), style="quote"),
            Paragraph((Text("A note in the note style."),), style="note"),
            BulletList((Paragraph((Text("First bullet"),)), Paragraph((Strong("Second"), Text(" bullet"))))),
            Heading("A third-level heading", level=3, anchor="h-third"),
        ),
    )
    second = Section(
        key="every-block",
        title="Every block",
        anchor="sec-every-block",
        blocks=(
            Figure(sample_chart(), figure_data, 1, "A sample chart", "Bar chart of three made-up values: 3, 5 and 2.",
                   "Source: Example Publisher, 2026 [1]", "fig-1", "Made-up values for layout tests"),
            Table(
                1, "Key numbers compared",
                (Column("Measure", width=3), Column("Who", width=2), Column("Value", align="right", width=1.5)),
                (
                    (Cell((Text("Daily tokens"),)), Cell((Text("China"),)),
                     Cell((NumberRef("140 trillion", "f-one", 0, (101,), (1,)),))),
                    (Cell((Text("Share"),)), Cell((Text("Chinese models"),)), Cell((Text("61%"),))),
                    (Cell((Text("A short row"),)),),
                ),
                note="Note under the table.",
                anchor="tab-1",
            ),
            key_figures,
            Callout("The bottom line",
                    (Paragraph((Text("A callout's body, with a citation."), Cite("f", (101,), (1,)))),),
                    kind="implication"),
            Figure(sample_chart("second", "A second chart"), figure_data, 2, "A second chart",
                   "A second made-up bar chart.", "", "fig-2"),
        ),
    )
    sections = [first, second]
    if hostile:
        sections.append(Section(
            key="hostile",
            title="Hostile text <b>stays</b> & text",
            anchor="sec-hostile",
            blocks=(
                *(Paragraph((Text(f"[{key}] {text}"),)) for key, text in HOSTILE.items()),
                Paragraph((Strong("Strong <i>tag</i>"), Text(" "), Emphasis("em & amp"))),
            ),
        ))
    if long:
        sections.append(Section(key="long", title="A very long paragraph", anchor="sec-long",
                                blocks=(Paragraph((Text(long_text()),)),)))
    return Document(
        meta=Metadata(
            title="Kitchen sink <b>briefing</b> & co",
            subtitle="Every node kind, through every writer",
            audience_key="testers",
            audience_name="Testers",
            author="Test Author",
            publisher="Briefing tests",
            date=date(2026, 4, 20),
            keywords=("test", "kitchen sink"),
            subject="Writer coverage",
            edition="Spring <i>2026</i>",
            data_as_of="31 March 2026",
            reader="The <b>board</b> & co",
            method_note=("Figures as the sources state them & nothing re-measured.", "A second <u>paragraph</u>."),
            disclaimer=("Not advice; for <i>testing</i> only.",),
        ),
        summary=Summary("At a glance", (Paragraph((Text("The summary's only paragraph."),), style="lead"),),
                        key_figures),
        sections=tuple(sections),
        references=refs,
        warnings=("A warning carried from compose",),
    )
