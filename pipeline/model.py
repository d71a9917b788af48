"""The domain model shared by every stage.

Stages never import each other; they exchange these plain dataclasses. Field names follow the
table columns of CONTRACT.md, so ``pipeline.tables`` can turn any of them into a DataFrame
without renaming.

Danish terms used here, explained once:
- *notat*: a memo; the municipality's documents are notats.
- *Tema*: a theme of the health policy; each status notat has one goal table per Tema.
- *bilag 1 / bilag 2*: appendix 1 (strategies and action plans) and appendix 2 (overview of
  goals) of the council case the goals come from; each goal wording is tagged with one.
- *I alt*: "in total", the totals row under each table.
- *Foreslås udgået* / *Foreslås omformuleret til*: "proposed dropped" / "proposed reworded to".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from pipeline.codes import Cause, FindingCode, finding_message

DocumentKind = Literal["status", "concept", "unknown"]
Status = Literal["started", "not_started", ""]
Proposal = Literal["drop", "reword", ""]
Bilag = Literal["1", "2", ""]
Severity = Literal["error", "warning", "info"]
IngestStatus = Literal["ok", "duplicate", "skipped", "failed"]
SENDER_FIELDS = (
    "sender_centre",
    "sender_unit",
    "sender_address",
    "sender_phone",
    "sender_email",
    "sender_web",
    "sender_ean",
)


# --------------------------------------------------------------------------- extraction output


@dataclass(frozen=True)
class Document:
    """One distinct input document (documents.csv)."""

    doc_id: str
    file: str
    sha256: str
    kind: DocumentKind
    title: str
    date: str  # ISO yyyy-mm-dd, or "" when the notat prints no date
    pages: int
    # The sender block (*Kontaktoplysninger*) as printed; "" where the notat prints none.
    sender_centre: str = ""  # "Social- og Sundhedscenter"
    sender_unit: str = ""  # "Administration"
    sender_address: str = ""  # "Amtstue Allé 71, 4100 Ringsted"
    sender_phone: str = ""  # "+45 57 62 80 10"
    sender_email: str = ""
    sender_web: str = ""
    sender_ean: str = ""
    # For a returned form (statusskema): the date (ISO) of the status it was made from, as its
    # "Udarbejdet på grundlag af status af …" says; "" for any other document.
    form_based_on: str = ""

    @property
    def sender(self) -> dict[str, str]:
        """The sender block's printed fields, by column name."""
        return {name: getattr(self, name) for name in SENDER_FIELDS}


@dataclass
class GoalStatement:
    """One goal wording inside a goal row (goal_statements.csv)."""

    doc_id: str
    theme_no: int
    row_no: int
    stmt_no: int
    text: str
    bilag: Bilag
    goal_id: str = ""


@dataclass
class GoalRow:
    """One table row of a status notat: the unit that carries an X (goal_rows.csv)."""

    doc_id: str
    theme_no: int
    theme_title: str
    row_no: int
    status: Status
    remark: str
    proposal: Proposal
    proposed_text: str
    page_first: int
    page_last: int
    # The goal's number as a numbering column or the goal cell prints it ("2.3"): a label, never
    # a word of the wording; "" when the notat numbers no goals.
    goal_no: str = ""
    # The goal id our own form (statusskema_<date>.docx) carries for the row, invisibly in the
    # goal cell's content control; "" for any other notat.
    form_goal_id: str = ""
    statements: list[GoalStatement] = field(default_factory=list)


@dataclass(frozen=True)
class ThemeTotal:
    """The printed *I alt* row of one theme against the X marks counted (theme_totals.csv)."""

    doc_id: str
    theme_no: int
    reported_started: int | None
    reported_not_started: int | None
    counted_started: int
    counted_not_started: int


@dataclass(frozen=True)
class Initiative:
    """One proposed initiative of a concept notat (initiatives.csv)."""

    doc_id: str
    area_no: int
    area_title: str
    group_title: str
    item_no: str  # "" for an unnumbered paragraph under a group heading
    sub: str  # "" for the item itself, "a", "b", … for its lettered sub-items
    text: str


@dataclass(frozen=True)
class Finding:
    """A soft problem found in a document: data, not an exception (findings.csv)."""

    doc_id: str
    theme_no: int | None
    row_no: int | None
    severity: Severity
    code: FindingCode
    message: str

    @classmethod
    def of(
        cls,
        code: FindingCode,
        doc_id: str,
        theme_no: int | None = None,
        row_no: int | None = None,
        *,
        variant: str = "",
        **details: object,
    ) -> Finding:
        """The finding ``code`` of a document (and a theme, a row), its severity and its Danish
        message made from the code's template in ``pipeline.codes.FINDINGS`` with ``details``."""
        severity, message = finding_message(
            code, variant, theme_no=theme_no, row_no=row_no, **details
        )
        return cls(doc_id, theme_no, row_no, severity, code, message)


@dataclass
class ExtractedDocument:
    """Everything extraction read from one PDF."""

    document: Document
    goal_rows: list[GoalRow] = field(default_factory=list)
    theme_totals: list[ThemeTotal] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Why a document of a known kind could not be read after all ("no goal table could be read
    # on pages 1–12"); "" when it was. Ingest turns it into a failed ingest_log row.
    failure: str = ""

    @property
    def statements(self) -> list[GoalStatement]:
        return [s for row in self.goal_rows for s in row.statements]


@dataclass(frozen=True)
class IngestEntry:
    """What a `report` run did with one input file (ingest_log.csv)."""

    file: str
    sha256: str
    status: IngestStatus
    kind: DocumentKind | Literal[""]
    reason: str  # plain words; empty only for status "ok"
    cause: Cause | Literal[""] = ""  # a stable code for the reason (pipeline.codes), "" when ok


# --------------------------------------------------------------------------- decision files


@dataclass(frozen=True)
class DecisionRow:
    """One decision as a person wrote it, not yet interpreted: a line of goal_overrides.csv
    (``action`` is ``same``/``different`` as typed) or a filled-in row of a decision workbook
    (``action`` is the *Afgørelse* cell, ``samme mål``/``forskellige mål`` as typed)."""

    row_no: int  # the line of the CSV file, the row of the workbook
    action: str
    text_a: str
    text_b: str


@dataclass(frozen=True)
class DecisionFile:
    """A decision file as ingest read it (in a child process with limits): its rows, and what
    could not be read, each in Danish for *Kontrol*: a row or line (``row_no``), or the whole
    file (``row_no`` 0: then ``status`` says it was not used and ``reason`` why, in English, for
    ingest_log.csv)."""

    file: str  # the name as shown
    sha256: str  # of the bytes read
    kind: Literal["overrides", "workbook"]
    rows: tuple[DecisionRow, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()
    status: IngestStatus = "ok"
    cause: Cause | Literal[""] = ""
    reason: str = ""

    @property
    def entry(self) -> IngestEntry:
        return IngestEntry(
            self.file, self.sha256, self.status, "decisions", self.reason, self.cause
        )


@dataclass(frozen=True)
class DecisionOutcome:
    """What the run did with one decision row (decisions.csv): ``applied``; ``no_goal`` (a
    wording names no goal of the notats read); ``unusable`` (not a decision, or a line that
    cannot be read). ``message`` says it in Danish, as *Kontrol* does."""

    file: str
    row_no: int
    action: str
    wording_a: str
    wording_b: str
    outcome: Literal["applied", "no_goal", "unusable"]
    message: str


# --------------------------------------------------------------------------- transform output


@dataclass(frozen=True)
class Link:
    """A link the reconciliation made or refused near its threshold (links.csv)."""

    left_doc_id: str
    left_theme_no: int
    left_row_no: int
    left_stmt_no: int
    right_doc_id: str
    right_theme_no: int
    right_row_no: int
    right_stmt_no: int
    decision: Literal["linked", "refused"]
    # which rule decided: same_row, same_wording, fuzzy, across_periods, reworded_as_proposed,
    # split, merged (the two ends keep their own ids; see Goal.merged_into), override, form_id
    # (a returned form's row carries the goal's id)
    rule: str
    score_token: float
    score_char: float
    evidence: str  # a plain sentence a person can audit


@dataclass(frozen=True)
class Partner:
    """A goal of the later notat that may be the goal an open question asks about."""

    goal_id: str
    doc_id: str
    theme_no: int
    row_no: int
    stmt_no: int
    text: str  # as printed
    score: float  # the evidence for the pair, 0..1 (words, remark, theme)
    apart: str = ""  # Danish: why the rules know it is another goal ("en anden målgruppe: …")


@dataclass(frozen=True)
class OpenQuestion:
    """A goal gone from a notat (not proposed dropped) whose likeliest partners among the goals
    new in the next notat are too unlike it for the rules: a person is asked. ``partners`` best
    first; the first without an ``apart`` reason is the one the run holds it may be (both are
    ``pending``, neither counted as new or gone until a person decides)."""

    period: str  # ISO date of the later notat
    previous_period: str
    goal_id: str  # the goal gone
    doc_id: str
    theme_no: int
    row_no: int
    stmt_no: int
    text: str  # as printed
    partners: tuple[Partner, ...]

    @property
    def likeliest(self) -> Partner | None:
        return next((p for p in self.partners if not p.apart), None)


@dataclass
class Goal:
    """One reconciled goal with all its wordings (goals.csv)."""

    goal_id: str
    wording: str  # the wording used in the report (latest period, bilag 2 preferred? see transform)
    bilag1_wordings: list[str]
    bilag2_wordings: list[str]
    theme_nos: list[int]
    first_period: str  # ISO date
    last_period: str
    latest_status: Status
    # the goal it went on in when a later notat wrote the two in one row (merged); "" if none.
    # The two ids stay as they were: the earlier periods' statements keep this goal's id.
    merged_into: str = ""


@dataclass(frozen=True)
class GoalPeriodStatus:
    """A goal's status in one reporting period (history)."""

    goal_id: str
    period: str  # ISO date of the notat
    doc_id: str
    theme_no: int
    row_no: int
    status: Status
    remark: str


ChangeKind = Literal[
    "status_changed",
    "new_goal",
    "goal_gone",
    "wording_changed",  # an edit that changes nothing: spelling, order, abbreviation, synonym
    "target_changed",  # a number or target of the same activity for the same group revised
    "scope_changed",  # a part of the goal added or removed (a group, a setting, an activity)
    "moved",  # stands under another Tema; before/after are the theme numbers
    "reworded_as_proposed",
    "revived",  # back after one or more periods without it (Danish: genoptaget)
    "merged",  # written in one row with another goal, which it goes on in
    "split",  # one goal of the previous period written as two or more rows
    "pending",  # may be the same goal as another; a person is asked (neither new nor gone)
]


@dataclass(frozen=True)
class Change:
    """What changed for one goal since the previous period (changes.csv)."""

    period: str
    previous_period: str
    goal_id: str
    kind: ChangeKind
    theme_no: int
    wording: str
    before: str
    after: str
    # The notat's own words on the change, where it gives them: for a goal gone, the remark of
    # its last row ("Foreslås udgået: …"); for a move, the remark that says so; else "".
    reason: str = ""


# --------------------------------------------------------------------------- the report model
# Built by transform, rendered by both writers, so the Word and the PDF report cannot disagree.
# Everything a reader sees is already Danish text here or a value the writers format with
# pipeline.wording; writers compute nothing.


@dataclass(frozen=True)
class ReportWording:
    text: str
    bilag: Bilag


@dataclass(frozen=True)
class ReportRow:
    goal_ids: tuple[str, ...]
    wordings: tuple[ReportWording, ...]
    proposed_text: str  # printed under the wordings after "Foreslås omformuleret til:"
    status: Status
    remark: str
    # What changed since the previous period, Danish, printed under the row's mark: "ny",
    # "ændret status", "mål ændret", "flyttet", … (joined with ", "); "" when nothing did.
    marker: str = ""
    markers: tuple[str, ...] = ()  # the same, one by one


@dataclass(frozen=True)
class ReportTheme:
    theme_no: int
    title: str
    rows: tuple[ReportRow, ...]
    started: int
    not_started: int
    unmarked: int
    previous_started: int | None  # None when there is no previous period
    previous_not_started: int | None


@dataclass(frozen=True)
class ReportChange:
    kind: ChangeKind
    theme_no: int
    wording: str
    before: str  # Danish, e.g. "Ikke igangsat"
    after: str
    reason: str = ""  # the notat's own words on it (a gone goal's remark), Danish


@dataclass(frozen=True)
class ReportProposal:
    theme_no: int
    wording: str
    proposal: Proposal
    proposed_text: str
    remark: str
    decision: str = ""  # Danish: the proposal stated as the council's decision


@dataclass(frozen=True)
class ReportReconciliation:
    goal_id: str
    bilag1: tuple[str, ...]
    bilag2: tuple[str, ...]
    untagged: tuple[str, ...]
    theme_nos: tuple[int, ...]
    occurrences: int  # rows the goal is written in, in the latest period
    needs_review: bool
    note: str  # Danish, in words: why a person should look (no bare similarity scores)
    notes: tuple[str, ...] = ()  # the same, one sentence pair per reason


ReviewKind = Literal["likely_miss", "written_twice", "uncertain_link"]


@dataclass(frozen=True)
class ReviewPair:
    """Two wordings of two goals a person should decide on: the same goal or not.

    Built by transform (pipeline.transform.review), shown as marks in the report and as a row
    of the review workbook (afstemning_<date>.xlsx), whose decisions the next run applies."""

    kind: ReviewKind
    goal_a: str
    goal_b: str
    text_a: str  # as printed
    text_b: str
    where_a: str  # Danish: "Tema 2, række 24, notat af 3. juni 2021 (fil.pdf)"
    where_b: str
    period_a: str  # ISO date of the notat
    period_b: str
    score: float  # the wordings' likeness, 0..1
    evidence: str  # Danish, in the document's own words
    # The question's number, as the workbook and the working paper show it, and this pair's
    # place among the question's partners (1 = the likeliest); set by review_pairs.
    question_no: int = 0
    rank: int = 1
    question_score: float = 0.0  # the likeliest partner's score: orders the questions
    # Danish: the look-alikes not offered as partners, each with the reason it is another goal
    not_offered: str = ""


@dataclass(frozen=True)
class ReportFinding:
    file: str
    theme_no: int | None
    row_no: int | None
    severity: Severity
    message: str  # Danish


@dataclass(frozen=True)
class ReportSkippedFile:
    file: str
    status: IngestStatus
    reason: str


@dataclass(frozen=True)
class OverviewLine:
    """One line of the report's "Overblik": a theme's counts, or the total over all themes.

    One unit throughout: the rows of the notats' goal tables, as each notat counts them in its
    *I alt* (a goal written in two rows counts twice). With a previous period the line adds up:
    ``previous_total + new_goals − gone + moved_in − moved_out + regrouped == total``.
    The changes are ready-made Danish text ("+2", "−1", "0", "nyt tema", "" without a previous
    period), so the Word and the PDF report print the same thing.
    """

    label: str  # "Tema 1 – Sundhedstilbud og sunde rammer" or "I alt"
    short_label: str  # for the chart axis: "Tema 1" or "I alt"
    started: int
    not_started: int
    unmarked: int
    total: int
    started_change: str
    not_started_change: str
    is_total: bool = False
    # Counted since the previous period, in rows (None without one): rows whose mark moved to
    # Gennemført/igangsat or away from it, rows of goals new (or revived: ``revived`` of them),
    # rows of goals gone (``gone_as_proposed`` of them as the previous notat proposed), rows
    # of goals reworded as proposed, rows of goals that moved here from another theme or away,
    # rows more (+) or fewer (−) because a goal is written in more or fewer rows (split,
    # merged), rows of goals awaiting a person's decision (counted as the goal they may be).
    newly_started: int | None = None
    newly_not_started: int | None = None
    new_goals: int | None = None
    gone: int | None = None
    gone_as_proposed: int | None = None
    reworded: int | None = None
    previous_total: int | None = None
    moved_in: int | None = None
    moved_out: int | None = None
    regrouped: int | None = None
    revived: int | None = None
    pending: int | None = None
    # the theme's number and title in the previous notat, when renumbered or renamed
    formerly: str = ""


@dataclass(frozen=True)
class ReportQuestion:
    """An open question to the administration, numbered as the workbook numbers it: a goal and
    its likeliest partners, best first (Danish texts)."""

    number: int
    kind: ReviewKind
    text: str  # the goal asked about, as printed
    where: str  # Danish: where it stands
    partners: tuple[tuple[str, str], ...]  # (wording, where), best first
    why: str  # Danish: why it is asked, with the near misses not offered


@dataclass(frozen=True)
class StatusReport:
    """The status report for the latest period."""

    title: str
    period: dt.date
    previous_period: dt.date | None
    intro: str
    themes: tuple[ReportTheme, ...]
    changes: tuple[ReportChange, ...]
    proposals: tuple[ReportProposal, ...]
    reconciliation: tuple[ReportReconciliation, ...]
    findings: tuple[ReportFinding, ...]  # of the notats this report is built on
    skipped_files: tuple[ReportSkippedFile, ...]
    subtitle: str = ""  # "Er opgaven igangsat/gennemført?"
    overview: tuple[OverviewLine, ...] = ()
    earlier_findings: int = 0  # findings of status notats older than the previous period
    # the pairs of goals a person should decide on, likeliest misses first (review workbook)
    review: tuple[ReviewPair, ...] = ()
    # The notat's sender block as printed lines ("Social- og Sundhedscenter", …, "EAN: …");
    # empty when the notat's sender fields were not read.
    sender: tuple[str, ...] = ()
    # What changed since the previous period, in Danish sentences.
    summary: tuple[str, ...] = ()
    # Edits that change nothing (spelling, order, abbreviations: ``wording_changed``), kept
    # apart from ``changes``.
    wording_fixes: tuple[ReportChange, ...] = ()
    # The open questions, numbered as in the review workbook (afstemning_<date>.xlsx).
    questions: tuple[ReportQuestion, ...] = ()
    review_workbook: str = ""  # the workbook's file name, for the working paper


@dataclass(frozen=True)
class FormRow:
    goal_ids: tuple[str, ...]
    wordings: tuple[ReportWording, ...]  # as they stand once proposals are carried out
    last_status: Status
    last_remark: str


@dataclass(frozen=True)
class FormTheme:
    theme_no: int
    title: str
    rows: tuple[FormRow, ...]


@dataclass(frozen=True)
class StatusForm:
    """Next period's form (statusskema): goals after the proposals, status columns empty."""

    title: str
    based_on_period: dt.date
    intro: str
    themes: tuple[FormTheme, ...]
    instructions: str = ""  # how to fill in the form, Danish
    sender: tuple[str, ...] = ()  # the sender block, as in StatusReport
