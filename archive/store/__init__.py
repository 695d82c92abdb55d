"""Everything that writes: testimony files, the audit log, curator accounts, the instance secret and git.

The rest of `archive/` is the pure domain (model, loader, consent, vocabulary, dates, citation): it
reads and decides, and never changes a file. What changes one lives here, each job in one module:

- files       atomic replacement, creation that never overwrites, appends, locks (the one mechanism)
- saving      a testimony saved only over the version the curator read (conflicts), under a lock
- scaffold    `archive new`: a new testimony file from flags or prompts
- editing     curator form values <-> file text, checked as `archive check` checks
- reverting   an old version brought back under today's consent
- importing   a CSV/XLSX sheet turned into draft testimonies
- vocabulary_editing  places and themes changed, references followed
- audit       the append-only audit log
- curators    curator accounts (hashed passwords)
- secret      the instance secret (made on first use)
- history     each save a git commit; versions: a file's past versions read back from git
"""
