"""Token-bounded edits of plain-text files, each re-parsed afterwards where a parser exists."""
