"""Deciding which catalog song a file is: folding text, indexed explained matching."""
