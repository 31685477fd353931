"""Python syntax at both ends of the pipeline: building, reading and printing gast.

What comes in is IR atoms and operations, or derivative templates written as Python
text; what goes out is gast nodes, Python source and compiled functions. printer.py turns
IR into gast and gast into source; template.py fills templates; simplify.py builds
arithmetic that folds constants as it goes; operators.py is the one table between Python's
operators and `operator`'s functions; lines.py keeps the user's line of each generated
statement; compile.py compiles generated source under a real file name, with the map
from its lines to the user's.
"""
