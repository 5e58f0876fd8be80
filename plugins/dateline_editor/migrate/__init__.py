"""``dateline migrate``: legacy free-text notes into entries, never guessing a date."""
