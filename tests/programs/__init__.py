"""Programs under test that several suites share: each reverse-mode table is also checked in
forward mode (end_to_end/test_forward_mode.py) and against the dual-number oracle
(end_to_end/test_dual.py)."""
