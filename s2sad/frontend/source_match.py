"""Whether the source s2sad reads is the code Python runs.

s2sad differentiates a function's text, read from its file; Python runs the code object
compiled when the module was imported. They part when the file is edited and the module
is not reloaded: the derivative would then be of the new text and the value of the old
code. Compiling the text again and comparing instructions tells them apart. The
comparison leaves out what the text alone cannot know: whether a free name is a closure
cell or a global (and so whether a nested function is made with a closure of them, and
its qualified name), whether a module-level name is an import (Python 3.11 calls its
attributes differently), jump offsets that follow from those, and the adaptive
instructions of code that has run.
"""
import __future__
import dis
import inspect

_FUTURE = 0
for _feature in __future__.all_feature_names:
    _FUTURE |= getattr(__future__, _feature).compiler_flag

_LEFT_OUT = frozenset({"RESUME", "NOP", "CACHE", "EXTENDED_ARG", "PUSH_NULL",
                       "COPY_FREE_VARS", "MAKE_CELL", "PRECALL"})
_FREE_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME", "LOAD_CLASSDEREF",
                         "LOAD_FROM_DICT_OR_DEREF", "LOAD_FROM_DICT_OR_GLOBALS"})
_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
_CLOSURE = 0x08  # MAKE_FUNCTION's flag: a tuple of closure cells


def runs(code, source):
    """Whether `source`, the dedented text of the `def` that made `code`, compiles to
    it. Text that does not compile on its own (a `nonlocal` of an enclosing function) is
    not judged here: the fence refuses what it holds."""
    # on the lines it has in the file (a class body holds its first line)
    text = "\n" * (code.co_firstlineno - 1) + source
    try:
        module = compile(text, code.co_filename, "exec", flags=code.co_flags & _FUTURE,
                         dont_inherit=True)
    except (SyntaxError, ValueError):
        return True
    for const in module.co_consts:
        if inspect.iscode(const) and const.co_name == code.co_name:
            return _instructions(const) == _instructions(code)
    return False


def _instructions(code):
    found = []
    closing = False
    for instruction in dis.get_instructions(code):
        name, value = instruction.opname, instruction.argval
        if name in _LEFT_OUT:
            continue
        if name == "LOAD_CLOSURE":
            closing = True
            continue
        if closing and name == "BUILD_TUPLE":
            closing = False
            continue
        if name == "SET_FUNCTION_ATTRIBUTE" and instruction.arg == _CLOSURE:
            # Python 3.13: the cells loaded and built into a tuple before the function
            made, body, cells = found.pop(), found.pop(), found.pop()
            del found[len(found) - int(cells[1]):]
            found += [body, made]
            continue
        if name == "MAKE_FUNCTION":
            found.append((name, (instruction.arg or 0) & ~_CLOSURE))
        elif isinstance(value, str) and "<locals>" in value:
            found.append((name, value.rsplit(".", 1)[-1]))
        elif name in _FREE_LOADS:
            found.append(("load", value))
        elif name == "LOAD_METHOD":
            found.append(("LOAD_ATTR", repr(value)))
        elif instruction.opcode in _JUMPS:
            found.append((name,))
        elif inspect.iscode(value):
            found.append((name, tuple(_instructions(value))))
        else:
            found.append((name, repr(value)))
    return found
