"""The searchable text of a directory entry, one function for the services and the seed migration."""


def search_text(*parts: str) -> str:
    """Every part, lower-cased and joined: SQLite's LIKE folds ASCII only, so the text is folded once here."""
    return " ".join(part.strip().lower() for part in parts if part and part.strip())
