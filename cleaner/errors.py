"""The small error hierarchy: each message says what is wrong and where."""


class CleanerError(Exception):
    """Base class for errors the user can act on."""


class InputError(CleanerError):
    """An input document cannot be read or decoded; the run records it and goes on."""


class RuleError(CleanerError):
    """A rule file is invalid; the run stops before any work, naming file and line."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
