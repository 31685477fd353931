"""Tools that show derivatives to people rather than compute them: evaluation traces of a
function run (values, tangents and adjoints, one row per Wengert-list variable) and the
export of a generated derivative as a standalone module, with everything it runs written
out as source, to ship inside code that cannot depend on s2sad or to review in a pull
request.
"""
