"""LibCST-based edits of Python source: imports, dotted strings, splits."""
