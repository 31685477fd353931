"""What `pip install .` ships: the typed public API (py.typed), the license, the metadata."""
import email
import inspect
import re
import subprocess
import sys
import typing
import zipfile
from pathlib import Path

import s2sad

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_FUNCTIONS = ["check_grads", "check_rule", "checkpoint", "compiled", "defrule", "export",
                    "grad", "hessian", "hvp", "jacobian", "jvp", "ravel", "source", "trace",
                    "value_and_grad", "vjp"]


def test_public_functions_are_annotated():
    """Every parameter and the result of each public function has a hint that resolves
    (typing.get_type_hints evaluates them, on the oldest Python supported too)."""
    functions = sorted(n for n in s2sad.__all__ if inspect.isfunction(getattr(s2sad, n)))
    assert functions == PUBLIC_FUNCTIONS
    for name in functions:
        fn = getattr(s2sad, name)
        hints = typing.get_type_hints(fn)
        missing = {*inspect.signature(fn).parameters, "return"} - set(hints)
        assert not missing, f"{name}: no hint for {sorted(missing)}"


def test_py_typed_is_in_the_package():
    assert (Path(s2sad.__file__).parent / "py.typed").is_file()


def test_wheel_ships_py_typed_license_and_metadata(tmp_path):
    """The wheel `pip install .` builds and installs, built the same way (an isolated
    build with the newest setuptools), without a deprecation warning from it."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps",
                           "--wheel-dir", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert not re.search(r"Deprecat|license.*warn", log, re.IGNORECASE), log
    [wheel] = tmp_path.glob("s2sad-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"s2sad-{s2sad.__version__}.dist-info"
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        license_text = archive.read(f"{info}/licenses/LICENSE").decode()
    assert "s2sad/py.typed" in names
    packages = sorted(p.parent.relative_to(ROOT).as_posix()
                      for p in (ROOT / "s2sad").glob("*/__init__.py"))
    assert packages and [p for p in packages if f"{p}/__init__.py" not in names] == []
    assert license_text == (ROOT / "LICENSE").read_text()
    assert license_text.startswith("MIT License\n\nCopyright (c) 2026 The s2sad authors\n")
    assert metadata["Version"] == s2sad.__version__
    assert metadata["License-Expression"] == "MIT"
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert not [c for c in metadata.get_all("Classifier") if c.startswith("License ::")]
    assert metadata.get_all("Project-URL") is None
