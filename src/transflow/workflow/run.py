"""``run``: sync → translate → check → build in one call, for pipelines.

Invariants:

* the steps run in that order, per article: an article or catalog a step cannot read is one
  of that step's ``problems`` (exit 1) and skipped, an article with check errors is left out
  of the build (exit 3), and every other article goes through every step. Only a step that
  fails as a whole with a typed error (the configuration, the workspace; exit code of the
  error) stops the run (``stopped_at``); an engine failure (quota, key, service down: exit 1,
  after saving what arrived) does not stop the check and the build of what is finished;
* the run's exit code: 1 when any step had an error, else 3 when any gate failed
  (check errors, an article the build's checks refused, unfinished articles under
  ``strict``), else 0; each problem is listed once (``RunReport.problems``);
* each step's report is handed to ``on_step`` as soon as the step ends (the CLI renders it
  there, so a long run shows progress step by step), then kept in the :class:`RunReport`
  unless ``RunOptions.keep_reports`` is off (the CLI's: what it prints at the end is each
  step's summary, and a build report of 10,000 articles need not live on beside the
  check report of the same articles);
* the engine is made only when the translate step starts (``engine_factory``), so a sync
  failure never touches DeepL, and a factory error is that step's failure.

Never prints, never reads the environment: the engine factory, the worker count and the
step callback are parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from transflow.config import Config
from transflow.errors import EngineError, Problem, TransflowError
from transflow.mt import Engine
from transflow.workflow.build import BuildReport, build
from transflow.workflow.build_spool import BLOCKED, BUILT, FINISHED
from transflow.workflow.check import CheckReport
from transflow.workflow.check_run import check
from transflow.workflow.gates import default_gates
from transflow.workflow.sync import SyncReport, sync
from transflow.workflow.translate import translate
from transflow.workflow.translate_report import TranslateReport

JSON_VERSION = 1

#: The steps, in the order they run.
STEPS = ("sync", "translate", "check", "build")

StepReport = SyncReport | TranslateReport | CheckReport | BuildReport


@dataclass(slots=True)
class Step:
    """One step of a run: its name, exit code, a short JSON summary and its full report."""

    name: str
    exit_code: int = 0
    summary: dict[str, object] = field(default_factory=dict)
    message: str = ""
    #: The step's own report (None when it failed with an error before making one).
    report: StepReport | None = None
    #: The typed error that ended the step, if any.
    error: TransflowError | None = None
    #: Articles and catalogs this step reported and skipped.
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The step's part of the run document."""
        return {"step": self.name, "ok": self.exit_code == 0, "exit_code": self.exit_code,
                "message": self.message, "summary": self.summary,
                "problems": [p.to_json() for p in self.problems]}


@dataclass(slots=True)
class RunReport:
    """Every step that ran, in order."""

    steps: list[Step] = field(default_factory=list)
    #: The step that failed as a whole and stopped the run (None: every step ran).
    stopped_at: str | None = None

    @property
    def exit_code(self) -> int:
        """1 when any step had an error (that wins), else 3 for a failed gate, else 0."""
        codes = {s.exit_code for s in self.steps} or {0}
        return 1 if 1 in codes else max(codes)

    @property
    def problems(self) -> list[Problem]:
        """Every article or catalog a step skipped, each once (steps meet the same files)."""
        return list(dict.fromkeys(p for s in self.steps for p in s.problems))

    def to_json(self) -> dict[str, object]:
        """The versioned JSON document of ``run --json``."""
        return {
            "version": JSON_VERSION,
            "exit_code": self.exit_code,
            "stopped_at": self.stopped_at,
            "steps": [s.to_json() for s in self.steps],
            "problems": [p.to_json() for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What ``run`` passes on to its steps (the command-line options of ``transflow run``)."""

    engine_name: str = "deepl"
    max_chars: int | None = None
    fit: bool = False
    output: Path | None = None
    allow_incomplete: bool = False
    strict: bool = False
    dry_run: bool = False
    workers: int = 1
    #: Keep each step's report in the :class:`RunReport` after ``on_step`` saw it.
    keep_reports: bool = True


def run(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    options: RunOptions = RunOptions(),
    engine_factory: Callable[[], Engine | None] = lambda: None,
    on_step: Callable[[Step], None] = lambda step: None,
) -> RunReport:
    """Run sync, translate, check and build, article by article (see the module docstring).

    ``engine_factory`` returns the translation engine (None: translation memory only).
    ``on_step`` sees each step when it ends, failed or not.
    """
    selected = list(paths) if paths is not None else []
    actions: dict[str, Callable[[Step], None]] = {
        "sync": lambda s: _sync(config, s, selected, options),
        "translate": lambda s: _translate(config, s, selected, options, engine_factory),
        "check": lambda s: _check(config, s, selected, options),
        "build": lambda s: _build(config, s, selected, options),
    }
    report = RunReport()
    for name in STEPS:
        step = Step(name)
        report.steps.append(step)
        try:
            actions[name](step)
        except TransflowError as exc:
            step.exit_code = exc.exit_code
            step.message = str(exc)
            step.error = exc
        on_step(step)
        if not options.keep_reports:
            step.report = None
        if step.error is not None and not isinstance(step.error, EngineError):
            report.stopped_at = name  # the whole step failed: so would the ones after it
            break
    return report


def _problems(step: Step, problems: list[Problem]) -> None:
    step.problems = problems
    if problems:
        step.exit_code = 1
        step.message = f"{len(problems)} article(s) or catalog(s) skipped"


def _sync(config: Config, step: Step, paths: list[Path], options: RunOptions) -> None:
    report = sync(config, paths, workers=options.workers, dry_run=options.dry_run)
    step.report = report
    step.summary = {"articles": len(report.articles) + report.unchanged,
                    "written": report.written, "orphans": report.orphans}
    _problems(step, report.problems)


def _translate(config: Config, step: Step, paths: list[Path], options: RunOptions,
               engine_factory: Callable[[], Engine | None]) -> None:
    report = translate(config, paths, engine=engine_factory(), engine_name=options.engine_name,
                       max_chars=options.max_chars, fit=options.fit, dry_run=options.dry_run)
    step.report = report
    totals = report.to_json()["totals"]
    step.summary = totals if isinstance(totals, dict) else {}
    _problems(step, report.problems)
    if report.stopped is not None:
        step.exit_code = 1
        step.message = str(report.stopped)


def _check(config: Config, step: Step, paths: list[Path], options: RunOptions) -> None:
    # A dry run writes not even the cache.
    report = check(config, paths, use_cache=not options.dry_run, workers=options.workers)
    step.report = report
    errors = report.errors
    step.summary = {"errors": len(errors), "warnings": report.count("warning")}
    _problems(step, report.problems)
    if errors and not step.exit_code:
        step.exit_code = 3
        step.message = f"{len(errors)} check error(s)"


def _build(config: Config, step: Step, paths: list[Path], options: RunOptions) -> None:
    report = build(config, paths, output=options.output,
                   allow_incomplete=options.allow_incomplete,
                   gates=default_gates(config),
                   dry_run=options.dry_run, workers=options.workers)
    step.report = report
    refused = report.names(BLOCKED)
    unfinished = report.names(without=FINISHED)
    step.summary = {"built": report.names(BUILT), "unfinished": unfinished,
                    "refused": refused, "output": report.output}
    _problems(step, report.problems)
    if step.exit_code:
        return
    if refused:
        step.exit_code = 3
        step.message = f"{len(refused)} article(s) refused by the checks"
    elif options.strict and unfinished:
        step.exit_code = 3
        step.message = f"{len(unfinished)} unfinished article(s)"
