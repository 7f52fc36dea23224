"""Logging filters."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Log a 4xx response as one line: drop the traceback Django attaches to a refusal.

    Django logs every PermissionDenied (403) with the exception, so each refusal, an
    expected outcome of the access rules, wrote a full traceback and buried the real
    errors. A 5xx keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
