"""Domain exceptions. Only ``pipeline.__main__`` turns them into a message and an exit code."""


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""


class UsageError(PipelineError):
    """The command was used wrongly (missing folder, bad option)."""


class InputError(PipelineError):
    """The input folder or a file the run needs cannot be read (permissions, a missing disk)."""


class ExtractError(PipelineError):
    """A document could not be read. The message names the file, and page/row where known."""


class ReconcileError(PipelineError):
    """Reconciliation could not run, e.g. a broken line in the overrides file."""


class WriteError(PipelineError):
    """A report or table could not be written."""


class ContractError(PipelineError):
    """A table broke its schema at a stage boundary: a bug in the pipeline, never bad input."""


class RunLockedError(PipelineError):
    """Another run is writing to the same output folder."""
