"""Decryption is behind the door: no function outside store/ and access/ takes a FieldCipher.

Feature packages get plain text from the session; the bulk paths that handle encrypted
bytes themselves (ingest preparing payloads, the assembly) ask the session or the door for
its field cipher (``field_crypto()``) and type it with the store's protocol.
"""

from __future__ import annotations

import ast
from pathlib import Path

import joinedup

PACKAGE = Path(joinedup.__file__).parent
ALLOWED = ("store", "access")
COMPOSITION_ROOT = "runtime.py"  # builds the cipher from the keyring and installs it


def _functions_taking_a_cipher(path: Path, base: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            for arg in args:
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if "FieldCipher" in annotation or (arg.arg == "cipher" and not annotation):
                    found.append(f"{path.relative_to(base)}:{node.lineno} {node.name}")
    return found


def test_no_function_outside_store_and_access_takes_a_field_cipher() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ALLOWED or str(relative) == COMPOSITION_ROOT:
            continue
        offenders += _functions_taking_a_cipher(path)
    assert offenders == []


def test_the_check_finds_a_function_taking_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from joinedup.access.crypto import FieldCipher\n"
        "def read(session, cipher: FieldCipher) -> None: ...\n"
        "def write(session, text: str) -> None: ...\n",
        encoding="utf-8",
    )
    assert _functions_taking_a_cipher(sample, tmp_path) == ["sample.py:2 read"]
