"""The benchmark is run by `make bench`, never collected by pytest."""

collect_ignore_glob = ["*"]
