"""The reader's tolerances, in one validated object handed to every step.

Every distance is a multiple of the text size it is measured against (an *em*: the body size of
the table or page at hand, or the size of the word at hand), never a fixed number of points, so
the same settings read a 9 pt notat and a 12 pt one, a compact Word table and a roomy HTML one;
the few that are in points (a hairline, a rounding slack) say so in their names. As pdfplumber's
``TableSettings``, ``extract_pdf(..., settings=...)`` takes one ``ReaderSettings`` and every
step reads its own group from it; a bad value is refused naming the setting
(``pipeline.settings``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.settings import Settings, setting

__all__ = [
    "DEFAULT_SETTINGS",
    "ClassifySettings",
    "ConceptSettings",
    "GridSettings",
    "LineSettings",
    "PageSettings",
    "ReaderSettings",
    "RowWeights",
    "SenderSettings",
    "TitleSettings",
    "TrustSettings",
]


@dataclass(frozen=True)
class PageSettings(Settings):
    """From a page's glyphs and shapes to words and rules (``pipeline.extract.pdf``)."""

    # A rule is at most this thick (em of the page's body text): Word draws a 2.25 pt border as
    # a filled bar; a shaded header row is far thicker. Hairlines of tiny type are rules from
    # this many points.
    rule_thickness: float = setting(0.5, above=True)
    min_rule_thickness_pt: float = setting(1.0, above=True)
    # A straight piece of a stroked path: its ends this close (pt) on one axis.
    axis_slack_pt: float = setting(0.5)
    # Words: a glyph joins the word before it when it starts at most this share of its size
    # right of it, and stands at most this share of its size above or below it; glyphs whose
    # tops differ by at most this many points stand on one line.
    x_tolerance: float = setting(0.15)
    y_tolerance: float = setting(0.25)
    line_tolerance_pt: float = setting(3.0)
    # A glyph turned from both page axes by more than this (the tangent of its angle) is set
    # at a slant: a diagonal watermark, no line of the notat.
    slant: float = setting(0.1, high=1)
    # A page whose glyphs step back more often than this share is drawn in no reading order.
    disorder: float = setting(0.25, high=1)
    disorder_min_steps: int = setting(20, low=1, whole=True)
    # A ligature narrower than this share of its size has no width in the font's metrics; the
    # next glyph may stand a ligature's width (this share of the size) right of its start.
    zero_width: float = setting(0.05, high=1)
    ligature_width: float = setting(0.75)
    # Two words of one line, one size (within this share), whose boxes touch (a gap from minus
    # the first to the second share of the size) are one word drawn in two fonts.
    same_size: float = setting(0.05, high=1)
    touching_overlap: float = setting(0.02)
    touching: float = setting(0.04)
    # Words of one line overlap at least this share of the lower one's height.
    line_overlap: float = setting(0.5, high=1)
    # A space glyph follows a word when it starts this close (pt) to the word's end; a rule runs
    # between two letters when it stands this close (pt) to the gap.
    near_pt: float = setting(0.5)


@dataclass(frozen=True)
class LineSettings(Settings):
    """Printed lines from words (``pipeline.extract.layout``)."""

    # Words whose baselines differ by at most this share of their size (or these points)
    # stand on one styled line.
    baseline: float = setting(0.3)
    baseline_min_pt: float = setting(2.0)
    # A word whose middle falls this many points outside a line's band still joins it.
    middle_slack_pt: float = setting(0.5)
    # A gap wider than this share of the size (or these points) parts two runs of a line.
    run_gap: float = setting(0.8)
    run_gap_min_pt: float = setting(6.0)


@dataclass(frozen=True)
class GridSettings(Settings):
    """Where a table's columns run (``pipeline.extract.grid``); em of the table's text."""

    # A rule between two header cells may stand this far into either cell.
    rule_reach: float = setting(0.1)
    # The table's outer rules stand at least this far outside its first and last inner edge.
    outer_rule: float = setting(1.0)
    # Without a drawn outer edge, the table's text begins this far right of the edge taken.
    outer_margin: float = setting(0.5)
    # A mark belongs to a status column when it stands this far from the column's middle, and
    # half the column's header besides.
    mark_reach: float = setting(2.5)
    # Text this close to a status column's content still stands beside it.
    content_slack: float = setting(0.05)
    # Remark lines begin from this many points left of the boundary.
    remark_slack_pt: float = setting(0.5)


@dataclass(frozen=True)
class RowWeights(Settings):
    """What the page says of a row starting at a line, and of a cut of the lines into rows
    (``pipeline.extract.table``): each weight is a count of how much a piece of evidence
    counts, against the others. A row start is scored from its band's text; the cut with the
    best sum of its rows' mark terms and its starts' evidence is taken."""

    # Drawn row rules: a rule between two lines is a row start (within a page, decisive).
    ruled: float = setting(100.0)
    # A mark level with the band's top (cells are top-aligned) says a row starts.
    mark_at_top: float = setting(2.0)
    # A goal number on the band (a numbering column) says a row starts; in a numbered table a
    # band without one says it does not.
    numbered: float = setting(3.0)
    unnumbered: float = setting(6.0)
    # The goal column blank beside a longer remark, then a goal line: the next row's.
    goal_after_pause: float = setting(2.0)
    # A band with remark text but no goal line: the row's goal may go on on the next page.
    no_goal_line: float = setting(1.0)
    # A goal line that goes on: a wording's tag, a lowercase start, a reword proposal.
    goal_goes_on: float = setting(6.0)
    # A capital after a closed wording (may start a row); after an open sentence (may not).
    after_closed: float = setting(1.0)
    after_open: float = setting(2.0)
    # A goal line a paragraph's gap below the last (may start a row), or close under it.
    goal_paragraph: float = setting(0.5)
    goal_close: float = setting(1.0)
    # A remark line that goes on (lowercase, or an open sentence close above).
    remark_goes_on: float = setting(2.0)
    # A remark that begins level with the goal line.
    remark_begins: float = setting(1.0)
    # Both cells begin a paragraph on one baseline: a row's first line.
    both_begin: float = setting(1.5)
    # A row of the cut without a mark (allowed, but it costs: a second wording of a marked row
    # must not become a row of its own on weak evidence).
    unmarked: float = setting(1.75)
    # A row whose remark begins lines below its first line (cells are top-aligned).
    late_remark: float = setting(2.5)
    # A row without a goal line.
    goalless: float = setting(4.0)
    # A row with one mark where the cut expects it; the most a mark off its place keeps; what a
    # row with two marks gets, less this for every mark beyond one.
    mark_in_place: float = setting(4.0)
    mark_near: float = setting(2.0)
    marks_many: float = setting(3.0)


@dataclass(frozen=True)
class TitleSettings(Settings):
    """The notat's title (``pipeline.extract.title``); shares of the title's size."""

    # A change of type size of more than this share starts a new run of a line; so does a gap
    # wider than this many sizes.
    resized: float = setting(0.2, high=1)
    run_gap: float = setting(1.5)
    # A title has at least this many characters.
    min_chars: int = setting(3, low=1, whole=True)
    # A title line goes on in a line of its type (sizes this close), at most this far below,
    # set flush left (within this) or centred (within this).
    same_type: float = setting(0.15, high=1)
    close: float = setting(0.6)
    flush: float = setting(0.5)
    centred: float = setting(1.0)


@dataclass(frozen=True)
class SenderSettings(Settings):
    """The sender block (``pipeline.extract.sender``); sizes of the block's label."""

    # A line is flush with the label within this; a vertical gap this wide ends the block; a
    # gap this wide parts two runs of a line; a size this share off is another type.
    column_slack: float = setting(0.6)
    block_gap: float = setting(2.6)
    run_gap: float = setting(1.0)
    same_size: float = setting(0.15, high=1)
    # Words this far above the label's bottom are still below it; the date line stands at
    # most this many block gaps above the label.
    above_slack: float = setting(0.2)
    date_reach: float = setting(1.5)


@dataclass(frozen=True)
class ClassifySettings(Settings):
    """The kind of a document from its pages (``pipeline.extract.classify``)."""

    # A column of marks: at least this many single marks on a page whose middles agree within
    # this share of their size.
    mark_column: int = setting(3, low=1, whole=True)
    mark_spread: float = setting(1.0)
    # (bilag N) tags on one page that make a goal table's wordings.
    bilag_tags: int = setting(2, low=1, whole=True)
    # The status headings as header fragments: each in a line of at most this many words.
    short_line_words: int = setting(5, low=1, whole=True)
    # A concept notat's area heading is set at least this many times the body size.
    area_heading: float = setting(1.1)


@dataclass(frozen=True)
class ConceptSettings(Settings):
    """The concept notat's reader (``pipeline.extract.concept``); in multiples of the body
    text size (em) unless the name says otherwise."""

    # A line starts at the text's margin within this; at an item's hanging indent (or where its
    # number stands) within this; a hair is the rounding of the engines' positions.
    margin: float = setting(0.3)
    indent: float = setting(0.2)
    hair: float = setting(0.1)
    # The margin is where this share of the lines start (not a speck left of the text).
    margin_quantile: float = setting(0.05, high=1)
    # A superscript (a footnote marker) is set below this share of the body size, or below this
    # one whatever stands beside it; its neighbour stands within this many ems.
    superscript: float = setting(0.9, high=1)
    superscript_small: float = setting(0.75, high=1)
    superscript_reach: float = setting(3.0)
    # A footnote separator: a rule at most this share of the page wide, below this share of its
    # height, at the text's left edge (within twice the margin), over a line in footnote type
    # (below this share of the body size).
    footnote_rule_width: float = setting(0.45, above=True, high=1)
    footnote_rule_below: float = setting(0.4, high=1)
    footnote_type: float = setting(0.95, high=1)
    # Footnotes without a separator: lines in small type (below this share of the body size)
    # at the page's foot (below this share of its height).
    footnote_small: float = setting(0.9, high=1)
    footnote_below: float = setting(0.5, high=1)
    # A heading is bold, or set at least this many times the body size; a heading wraps onto
    # lines in its style (sizes this close) at most this far below (ems of the heading).
    heading_size: float = setting(1.15)
    heading_same_size: float = setting(0.06)
    heading_close: float = setting(0.6)
    # An area heading in a heading style: within this of the area headings' size, and bold or
    # at least this many times the body size; area headings are at least this many times it.
    area_size_slack: float = setting(0.05)
    area_styled: float = setting(1.3)
    area_heading: float = setting(1.1)
    # A gap wider than this between two lines ends a paragraph.
    paragraph_gap: float = setting(0.5)
    # Characters: a line longer than this is no one-line paragraph, one longer than this no
    # plain group heading; lines longer than this are full lines, whose ends at this share of
    # them make the text's right edge.
    alone_max_chars: int = setting(110, low=1, whole=True)
    group_heading_max_chars: int = setting(120, low=1, whole=True)
    full_line_chars: int = setting(40, low=1, whole=True)
    right_edge_quantile: float = setting(0.9, high=1)
    # A word space, to tell whether a word would have fitted at a line's end.
    word_space: float = setting(0.3)


@dataclass(frozen=True)
class TrustSettings(Settings):
    """Whether a page's text layer can be read as its text (``pipeline.extract.trust``)."""

    # A page this much covered by one image is a scan; a page without words this much covered
    # is an image to read.
    scan_cover: float = setting(0.8, high=1)
    image_cover: float = setting(0.3, high=1)
    # More than this share of the text's characters unmapped or private-use: undecodable.
    max_bad_share: float = setting(0.2, high=1)
    # At least this share of the words with an unmapped glyph among their letters (and at least
    # this many words): undecodable.
    max_broken_words: float = setting(0.02, high=1)
    min_broken_words: int = setting(2, low=1, whole=True)
    # A page with at least this many words, of which fewer than this share are common Danish
    # words: undecodable.
    min_words: int = setting(25, low=1, whole=True)
    min_common_share: float = setting(0.04, high=1)
    # The regular or the bold text of a page with at least this many words, judged alone by the
    # same share. Real notats' pages never fall below 7 % in either (measured on every rendering
    # of the suite, concept notats included, down to five words); a shifted font's give 0-0.5 %.
    min_style_words: int = setting(8, low=1, whole=True)
    # The regular or the bold text of a page with at least this many letter pairs whose mean
    # log-probability in Danish words (``pipeline.danish_letter_pairs``) is below this: the
    # texts of real notats never fall below -5.86 (the regular and the bold text of every page
    # of every rendering of the suite, 2,011 of them; half are above -5.47); a map shifted for
    # all letters gives about -7.7, for most of them -6.3 or less.
    min_pairs: int = setting(40, low=1, whole=True)
    min_mean_log_p: float = setting(-6.2, low=None, high=0)
    # More than this share of the letters drawn turned: the words are read sideways, not
    # misdecoded.
    sideways: float = setting(0.5, high=1)
    # A text layer with fewer than this share of the letters, or of the words (of at least this
    # many letters), that OCR reads on the page's image is poorer.
    layer_share: float = setting(0.85, high=1)
    layer_word_letters: int = setting(2, low=1, whole=True)


@dataclass(frozen=True)
class ReaderSettings(Settings):
    """Tolerances of the reader. Distances in em unless the name says otherwise; each step's
    own group in its field."""

    # Printed lines: words whose baselines differ by at most this stand on one line.
    baseline_tolerance: float = setting(0.3)
    # Words on one line further apart than this are separate runs (a column gap, not a space).
    run_gap: float = setting(0.8)
    # A header row spans at most this many printed lines (a heading broken inside words four
    # times, and lines of a contact block beside it), of at most this many words in all.
    header_max_lines: int = setting(8, low=1, whole=True)
    header_max_words: int = setting(40, low=1, whole=True)
    # Header lines of one row follow each other at most this far apart: a heading typed as two
    # paragraphs ("Gennemført/" ¶ "igangsat") stands a paragraph's spacing apart (Word's 10 or
    # 12 pt after, about 1.3-1.6 em at 9-11 pt). The header's words must still name its columns.
    header_line_gap: float = setting(2.4)
    # Two header cells printed as one word are cut where another header line's word begins
    # within this many points of one of its letters (the word's own edges this far inside).
    header_cut_pt: float = setting(0.6)
    header_edge_pt: float = setting(0.3)
    # Rules closer than this are one rule (a double border, a border drawn by two cells).
    rule_merge: float = setting(0.3)
    # A vertical rule must span at least this much to separate columns.
    rule_min_length: float = setting(0.8)
    # Rules this far above a table part's body or below it still belong to it.
    rule_reach: float = setting(0.6)
    # The furthest a run of remark text may start right of where remark text starts (a run
    # further right stands beside the table: the contact block).
    remark_indent: float = setting(1.2)
    # A word runs across a column edge when the edge stands this share of its size inside it.
    edge_inside: float = setting(0.05)
    # A Tema heading's title wraps onto lines at most this far below it, set flush within this
    # and in its size within this share.
    heading_line_gap: float = setting(1.2)
    heading_flush: float = setting(0.3)
    heading_same_size: float = setting(0.05, high=1)
    # Lines of one paragraph are at most this far apart; a wider gap starts a new paragraph.
    paragraph_gap: float = setting(0.35)
    # Page numbers and other lines in this share of the page height at its top and bottom are
    # page furniture when they repeat; a running head or foot may also reach further in:
    margin_share: float = setting(0.065, above=True, high=0.5)
    # a running head (a logo, the unit, the title, the date) lies within this share of the page
    # height from the top, a running foot within this share from the bottom,
    running_head_share: float = setting(0.25, above=True, high=0.5)
    running_foot_share: float = setting(0.2, above=True, high=0.5)
    # and its lines stand on the neighbouring page this close (em) to the same place.
    running_place: float = setting(0.5)
    # A mark stands level with a line (at the top of its row) when their tops are this close.
    mark_level: float = setting(0.5)
    # Two marks level with each other within this are one mark line (a row marked twice).
    mark_line: float = setting(0.5)
    # A mark this far below all text of its page part is the next page's row's.
    mark_at_foot: float = setting(0.25)
    # A mark centred in its row stands within this (em) plus this share of the row's height
    # of the row's middle; the marks of one table agree on where they stand within this.
    middle_tolerance: float = setting(0.6)
    middle_tolerance_share: float = setting(0.1, high=1)
    mark_agreement: float = setting(0.35)
    # One word ending this close to its column's right edge fills the line (a word broken inside
    # for want of room may end there), in a column of at least this many lines.
    fill_slack: float = setting(0.7)
    fill_min_lines: int = setting(3, low=1, whole=True)
    # A goal column blank this much more than a line's usual gap, beside a longer remark, has
    # ended its row.
    goal_pause: float = setting(1.1)
    # A line ends one filled word when this much room (em) was left that a space would fit.
    room_for_space: float = setting(0.3)
    # A rest of at most this many letters after a bare break ends a word.
    short_rest: int = setting(4, low=1, whole=True)
    # A table's read is good enough when at most this share of its rows (and at least this
    # many) lack their one mark.
    odd_rows_share: float = setting(0.1, high=1)
    odd_rows_min: int = setting(2, low=0, whole=True)
    # The counts of an *I alt* row on a line of their own stand at most this far (em) below or
    # above its label.
    totals_level: float = setting(1.0)
    # A table numbers its goals when at least this many of its rows print a number.
    numbered_rows: int = setting(2, low=1, whole=True)
    # wkhtmltopdf's line printed on both pages: at least this many words or characters, each
    # word within this many points of its twin.
    copy_min_words: int = setting(2, low=1, whole=True)
    copy_min_chars: int = setting(8, low=1, whole=True)
    copy_align_pt: float = setting(0.5)
    # Each step's own group.
    page: PageSettings = field(default_factory=PageSettings)
    lines: LineSettings = field(default_factory=LineSettings)
    grid: GridSettings = field(default_factory=GridSettings)
    rows: RowWeights = field(default_factory=RowWeights)
    title: TitleSettings = field(default_factory=TitleSettings)
    sender: SenderSettings = field(default_factory=SenderSettings)
    classify: ClassifySettings = field(default_factory=ClassifySettings)
    concept: ConceptSettings = field(default_factory=ConceptSettings)
    trust: TrustSettings = field(default_factory=TrustSettings)


DEFAULT_SETTINGS = ReaderSettings()
