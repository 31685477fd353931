"""The version of s2sad, in one place: the package metadata and `s2sad --version` read it."""
__version__ = "0.1.0"
