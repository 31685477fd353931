"""Programs whose derivatives are read line by line (tests/api/test_user_lines.py): each
generated statement names the line it comes from, and errors and warnings raised in
generated code name these files' lines."""
