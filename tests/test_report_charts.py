"""The chart functions draw what they promise, on small documents written for the tests."""

from __future__ import annotations

import io
import warnings

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from report_samples import long_talks, no_party, talks

import stance
from stance.report import charts, figures, theme


@pytest.fixture(scope="module")
def analysis():
    return talks()


def new_ax():
    return Figure(figsize=(8, 4)).add_subplot()


def bars(ax):
    """Every bar drawn, as (x centre, y bottom, height, colour, hatch), left to right."""
    out = [
        (
            p.get_x() + p.get_width() / 2,
            p.get_y(),
            p.get_height(),
            to_hex(p.get_facecolor()),
            p.get_hatch(),
        )
        for c in ax.containers
        if isinstance(c, BarContainer)
        for p in c
    ]
    return sorted(out)


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_stance_along_the_document_one_bar_per_sentence(analysis):
    colors = theme.party_colors(figures.source_order(analysis))
    ax = charts.stance_along_document(
        analysis.sentences, new_ax(), colors, figures.party_names(analysis)
    )
    drawn = bars(ax)
    assert [round(x) for x, *_ in drawn] == [1, 2, 3, 4, 5]
    assert [h for _, _, h, _, _ in drawn] == pytest.approx([s.score for s in analysis.sentences])
    by_x = {round(x): (color, hatch) for x, _, _, color, hatch in drawn}
    assert by_x[1] == (colors["NOR"].lower(), charts.MUTUAL_HATCH)  # mutual, source Norway
    assert by_x[2] == (colors["NOR"].lower(), None)
    assert by_x[3] == (colors["ISL"].lower(), None)  # Iceland's criticism, downward
    assert by_x[5][0] == theme.NO_PARTY.lower()
    assert drawn[2][2] < 0 < drawn[1][2]
    assert legend_labels(ax) == ["Norway", "Iceland", "no source party", "mutual statement"]


def test_long_documents_are_binned_not_drawn_bar_by_bar():
    analysis = long_talks()
    n = len(analysis.sentences)
    assert n > 500
    colors = theme.party_colors(figures.source_order(analysis))
    ax = charts.stance_along_document(analysis.sentences, new_ax(), colors)
    drawn = bars(ax)
    centres = {round(x, 3) for x, *_ in drawn}
    assert len(centres) <= charts.MAX_BARS
    size = -(-n // charts.MAX_BARS)
    assert f"{size} sentences per bar" in ax.get_title()
    tops = {}
    for x, bottom, height, *_ in drawn:
        tops.setdefault(round(x, 3), []).append(bottom + height)
    assert all(-1 <= t <= 1 for ts in tops.values() for t in ts)
    # each bar is its sentences' mean score (the last bar holds fewer: 550 = 91 x 6 + 4), so
    # the bars weighted by the sentences they hold add up to the scores
    patches = [p for c in ax.containers if isinstance(c, BarContainer) for p in c]
    held = {round(p.get_x() + p.get_width() / 2, 3): round(p.get_width() / 0.8) for p in patches}
    assert held[max(held)] == n % size and set(held.values()) == {size, n % size}
    assert sum(height * held[round(x, 3)] for x, _, height, _, _ in drawn) == pytest.approx(
        sum(s.score for s in analysis.sentences)
    )
    assert ax.get_xlim()[1] < n + 0.5 + size / 2


def test_by_party_diverging_bars_with_mean_tone(analysis):
    rows = figures.party_rows(analysis)
    assert [label for label, _ in rows] == ["Norway (NOR)", "Iceland (ISL)", "no source party"]
    ax = charts.stance_by_party(rows, new_ax())
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [c.get_label() for c in containers] == ["divergent", "neutral", "convergent"]
    divergent, neutral, convergent = ([p.get_width() for p in c] for c in containers)
    assert convergent == [3, 0, 0] and divergent == [0, 1, 0] and neutral == [0, 0, 1]
    # divergence extends left of the neutral half, convergence right of it
    assert containers[0][1].get_x() + containers[0][1].get_width() == pytest.approx(0)
    assert containers[2][0].get_x() == pytest.approx(0)
    by_source = analysis.summary["by_source"]
    assert f"{by_source['NOR']['mean_tone']:+.2f}" in texts(ax)
    assert "mean tone" in texts(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == [r[0] for r in rows]


def test_by_party_says_when_no_party_is_named():
    analysis = no_party()
    assert figures.party_rows(analysis) == []
    ax = charts.stance_by_party(figures.party_rows(analysis), new_ax())
    assert any("No sentence of this document is attributed" in t for t in texts(ax))
    assert not ax.axison and not ax.containers


def test_scorer_agreement_one_dot_per_sentence(analysis):
    ax = charts.scorer_agreement(analysis.sentences, new_ax())
    points = [
        tuple(xy) for c in ax.collections if isinstance(c, PathCollection) for xy in c.get_offsets()
    ]
    expected = [(s.vader, s.textblob_polarity) for s in analysis.sentences]
    assert len(points) == len(expected)
    for got, want in zip(sorted(points), sorted(expected), strict=True):
        assert got == pytest.approx(want)
    labels = legend_labels(ax)
    assert "convergence (3)" in labels and "divergence (1)" in labels and "neutral (1)" in labels
    assert ax.get_xlabel().startswith("VADER") and ax.get_ylabel().startswith("TextBlob")


def test_scorer_agreement_numbers_the_biggest_disagreements(analysis):
    gaps = sorted(
        ((abs(s.vader - s.textblob_polarity), s.index + 1) for s in analysis.sentences),
        reverse=True,
    )
    ax = charts.scorer_agreement(analysis.sentences, new_ax(), annotate=2)
    expected = {f"#{n}" for gap, n in gaps[:2] if gap > charts.DISAGREEMENT}
    assert {t.get_text() for t in ax.texts} == expected


def test_cue_totals_sum_effects_per_term(analysis):
    totals = charts.cue_totals(analysis.sentences)
    effects = [t.effect for t in totals]
    assert effects == sorted(effects, reverse=True)
    assert sum(effects) == pytest.approx(sum(c.effect for s in analysis.sentences for c in s.cues))
    by_text = {t.text: t for t in totals}
    assert by_text["rejected"].effect < 0 and by_text["praised"].effect > 0


def test_what_drove_it_draws_the_strongest_cues_both_ways(analysis):
    totals = charts.cue_totals(analysis.sentences)
    ax = charts.cue_drivers(totals, new_ax(), top=2)
    drawn = [p.get_width() for c in ax.containers for p in c]
    positive = sorted((t.effect for t in totals if t.effect > 0), reverse=True)[:2]
    negative = sorted(t.effect for t in totals if t.effect < 0)[:2]
    assert drawn == pytest.approx(positive + sorted(negative, reverse=True))
    colours = [to_hex(p.get_facecolor()) for c in ax.containers for p in c]
    assert colours == [theme.CONVERGENCE.lower()] * 2 + [theme.DIVERGENCE.lower()] * 2


def test_what_drove_it_without_cues_says_so():
    ax = charts.cue_drivers([], new_ax())
    assert any("No cue word" in t for t in texts(ax))


def test_headline_shows_the_index_and_its_interval(analysis):
    rows = figures.index_rows(analysis)
    assert [r.label for r in rows] == ["whole document", "Norway as source", "Iceland as source"]
    ax = charts.convergence_headline(rows, new_ax())
    errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(errorbars) == 3
    summary = analysis.summary
    low, high = summary["interval"]
    first = errorbars[0].lines[0].get_xdata()[0]
    assert first == pytest.approx(summary["convergence_index"])
    assert f"{summary['convergence_index']:+.2f}  [{low:+.2f}, {high:+.2f}]" in texts(ax)
    assert ax.get_xlim() == (-1, 1)


def test_dollar_signs_in_labels_stay_text():
    totals = [charts.CueTotal("aid", "$5 billion in $aid", 7.0, 1)]
    figure = Figure(figsize=(6, 3))
    ax = charts.cue_drivers(totals, figure.add_subplot())
    figure.savefig(io.BytesIO(), format="png")  # mathtext would fail or eat the dollars
    assert ax.get_yticklabels()[0].get_text() == r"\$5 billion in \$aid"


def test_rendered_charts_in_every_format_are_reproducible(analysis):
    first = figures.render_charts(analysis, figures.CHART_FORMATS)
    second = figures.render_charts(analysis, figures.CHART_FORMATS)
    assert [c.slug for c in first] == [spec.slug for spec in figures.CHARTS]
    for a, b in zip(first, second, strict=True):
        assert a.files["png"].startswith(b"\x89PNG") and b"<svg" in a.files["svg"][:500]
        assert a.files["pdf"].startswith(b"%PDF")
        assert a.files == b.files
        assert a.width > 0 and a.height > 0
        assert a.data_uri().startswith("data:image/png;base64,")


def test_parties_past_the_palette_share_one_grey():
    text = (
        "France praised Germany. Italy criticized Spain. Portugal thanked Greece. "
        "Austria welcomed Belgium. Sweden condemned Norway. Finland supported Denmark. "
        "Poland rejected Hungary."
    )
    analysis = stance.analyze(text)
    order = figures.source_order(analysis)
    sources = [s.source for s in analysis.sentences]
    assert len(set(sources)) == 7 and None not in sources
    colors = theme.party_colors(order)
    ax = charts.stance_along_document(
        analysis.sentences, new_ax(), colors, figures.party_names(analysis)
    )
    own = [key for key in order if colors[key] != theme.OTHER_PARTIES]
    assert len(own) == len(theme.PARTY_PALETTE)
    greys = [round(x) for x, _, _, color, _ in bars(ax) if color == theme.OTHER_PARTIES.lower()]
    assert greys == [i + 1 for i, key in enumerate(sources) if key not in own] != []
    names = figures.party_names(analysis)
    coloured_sources = [names[key] for key in own if key in sources]
    assert legend_labels(ax) == [*coloured_sources, "other parties"]


def sentence(score: float, index: int = 0, **kwargs) -> stance.SentenceResult:
    """A scored sentence without the analysis around it."""
    defaults = {"vader": 0.0, "textblob_polarity": 0.0, "textblob_subjectivity": 0.0}
    label = "divergence" if score < -0.2 else "convergence" if score > 0.2 else "neutral"
    fields = {**defaults, **kwargs}
    return stance.SentenceResult("text", label, score, 0.0, index=index, **fields)


@pytest.mark.parametrize(("neutral", "divergent"), [(100, 1), (4998, 3)])
def test_the_last_shorter_bar_is_the_mean_of_its_own_sentences(neutral, divergent):
    sentences = [sentence(0.0, i) for i in range(neutral)]
    sentences += [sentence(-1.0, neutral + i) for i in range(divergent)]
    n = len(sentences)
    ax = charts.stance_along_document(sentences, new_ax(), {})
    last = max(bars(ax))
    assert last[2] == pytest.approx(-1.0)
    assert last[0] + 0.8 * divergent / 2 < n + 0.5  # the bar ends at the last sentence
    assert n < ax.get_xlim()[1] < n + 1 + 0.1 * -(-n // charts.MAX_BARS)
    assert max(t for t in ax.get_xticks() if t <= ax.get_xlim()[1]) <= n


def test_a_one_sentence_document_has_one_integer_tick():
    ax = charts.stance_along_document([sentence(0.6)], new_ax(), {})
    low, high = ax.get_xlim()
    shown = [t for t in ax.get_xticks() if low <= t <= high]
    assert shown == [1]
    assert [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high] == [
        "1"
    ]


def test_learned_cues_are_not_merged_across_parties():
    analysis = stance.analyze(
        "India accused China of aggression. China accused India of aggression. "
        "China accused India of provocation."
    )
    learned = [c for s in analysis.sentences for c in s.cues if c.category == charts.LEARNED]
    assert len({c.term for c in learned}) == 1 < len({c.text for c in learned})
    totals = {t.text: t for t in charts.cue_totals(analysis.sentences)}
    assert totals["china of"].count == 1 and totals["india of"].count == 2
    expected = sum(c.effect for c in learned if c.text == "India of")
    assert totals["india of"].effect == pytest.approx(expected)
    assert totals["accused"].count == 3  # lexicon terms still add up over the document
    ax = charts.cue_drivers(list(totals.values()), new_ax())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "china of" in labels and "india of  ×2" in labels and "india of  ×3" not in labels


def test_what_drove_it_values_use_the_theme_font_and_minus_sign(analysis):
    figure = figures.draw_chart(figures.CHARTS[3], analysis)
    (ax,) = figure.axes
    values = [t for t in ax.texts if t.get_text()[0] in "+\N{MINUS SIGN}"]
    assert values and {t.get_fontfamily()[0] for t in values} == {theme.RC["font.family"]}
    assert any(t.get_text().startswith("\N{MINUS SIGN}") for t in values)
    assert not any("-" in t.get_text() for t in values)


def test_scorer_agreement_merges_labels_of_points_scored_alike():
    sentences = [
        sentence(0.0, 11, vader=-0.8, textblob_polarity=0.5),
        sentence(0.0, 14, vader=-0.8, textblob_polarity=0.5),
        sentence(0.0, 2, vader=0.9, textblob_polarity=-0.1),
    ]
    ax = charts.scorer_agreement(sentences, new_ax())
    assert sorted(texts(ax)) == ["#12, #15", "#3"]


LONG_PARTIES = {
    "AAA": {"name": "The Democratic Socialist Republic of Sri Lanka", "aliases": ["Sri Lanka"]},
    "BBB": {
        "name": "The United Kingdom of Great Britain and Northern Ireland",
        "aliases": ["United Kingdom"],
    },
    "CCC": {"name": "The Bolivarian Republic of Venezuela", "aliases": ["Venezuela"]},
    "DDD": {"name": "The Federal Democratic Republic of Ethiopia", "aliases": ["Ethiopia"]},
}
INTL_PARTIES = {
    "CHN": {"name": "中华人民共和国", "aliases": ["China"]},
    "FLAG": {"name": "🇺🇳 United Nations 🕊️", "aliases": ["United Nations"]},
    "THE_EXTREMELY_LONG_PARTY_KEY_THAT_GOES_ON_AND_ON": {
        "name": "The Extremely Long Official Name Of The Federal Republic Of Somewhere Far Away",
        "aliases": ["Somewhere"],
    },
    "EGY": {"name": "Egypt", "aliases": ["Egypt"]},
}
CROSS_TALK = (
    "Sri Lanka praised the United Kingdom for its generous support. "
    "The United Kingdom welcomed Sri Lanka's cooperation on trade. "
    "Venezuela condemned Ethiopia for the attack. Ethiopia rejected the Venezuela resolution. "
    "Sri Lanka and the United Kingdom agreed to deepen their partnership. "
    "Ethiopia threatened Sri Lanka with sanctions."
)
INTL_TALK = (
    "Egypt praised China for its generous support. China welcomed Egypt's cooperation. "
    "The United Nations condemned Somewhere for the attack. "
    "Somewhere rejected the United Nations resolution. Somewhere threatened Egypt."
)


def drawn_cleanly(analysis):
    """Every chart laid out and saved as PNG: the warnings raised, and what went off the
    figure (the title, tick labels and legend must stay inside it)."""
    clipped = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for spec in figures.CHARTS:
            figure = figures.draw_chart(spec, analysis)
            canvas = FigureCanvasAgg(figure)
            figures.save_figure(figure, "png")
            renderer = canvas.get_renderer()
            (ax,) = figure.axes
            parts = [ax.title, *ax.get_yticklabels(), ax.xaxis.label]
            parts += [ax.get_legend()] if ax.get_legend() else []
            for part in parts:
                box = part.get_window_extent(renderer)
                if box.width and (box.x0 < -1 or box.x1 > figure.bbox.x1 + 1):
                    clipped.append((spec.slug, getattr(part, "get_text", lambda: "legend")()))
    return [str(w.message) for w in caught], clipped


def test_long_party_names_are_shortened_before_their_key_and_count():
    analysis = stance.analyze(CROSS_TALK, parties=LONG_PARTIES)
    rows = [label for label, _ in figures.party_rows(analysis)]
    assert all(label.endswith(("(AAA)", "(BBB)", "(CCC)", "(DDD)")) for label in rows)
    assert all(len(label) <= theme.MAX_LABEL and "…" in label for label in rows)
    ax = charts.convergence_headline(figures.index_rows(analysis), new_ax())
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert all(t.endswith(")") and "as source (" in t for t in ticks[1:])
    problems, clipped = drawn_cleanly(analysis)
    assert problems == [] and clipped == []


def test_names_the_font_cannot_draw_become_keys_without_glyph_warnings():
    analysis = stance.analyze(INTL_TALK, parties=INTL_PARTIES)
    names = figures.party_names(analysis)
    assert names["CHN"] == "CHN" and names["FLAG"] == "FLAG" and names["EGY"] == "Egypt"
    assert theme.plain("中国 summit") == "?? summit"
    colors = theme.party_colors(figures.source_order(analysis))
    ax = charts.stance_along_document(analysis.sentences, new_ax(), colors, names)
    assert "CHN" in legend_labels(ax)
    rows = [label for label, _ in figures.party_rows(analysis)]
    assert "Egypt (EGY)" in rows and any(r.endswith("(THE_EXTREMELY_L…)") for r in rows)
    problems, clipped = drawn_cleanly(analysis)
    assert problems == [] and clipped == []
