"""A directory run is one project: which of the tree's own modules each file imports
(migrate.analysis.project), and the findings that use it (TFM006 names the importers, TFM007
marks the imports)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migrate import rewrite_source
from migrate.analysis.project import ImportSite, makes_graph_state, scan_sources
from migrate.api import project_imports, rewrite_paths
from migrate.cli import main

PROJECT = Path(__file__).parent / "fixtures" / "projects" / "char_model"

# (files of the tree, the importer, its expected imports as (line, module, names, star)).
RESOLUTION = [
    pytest.param(
        {"model.py": "X = 1\n", "train.py": "import model\n"},
        "train.py",
        [(1, "model.py", (("model", ""),), False)],
        id="absolute-import",
    ),
    pytest.param(
        {"model.py": "", "train.py": "from model import Model, build as b\n"},
        "train.py",
        [(1, "model.py", (("Model", "Model"), ("b", "build")), False)],
        id="from-import-names",
    ),
    pytest.param(
        {"ops.py": "", "model.py": "import ops as o\n"},
        "model.py",
        [(1, "ops.py", (("o", ""),), False)],
        id="alias",
    ),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/net.py": "", "train.py": "import pkg.net\nfrom pkg import net as n\n"},
        "train.py",
        [(1, "pkg/net.py", (("pkg.net", ""),), False), (2, "pkg/net.py", (("n", ""),), False)],
        id="package-submodule",
    ),
    pytest.param(
        {"pkg/__init__.py": "", "train.py": "from pkg import Model\n"},
        "train.py",
        [(1, "pkg/__init__.py", (("Model", "Model"),), False)],
        id="package-init-name",
    ),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/layers.py": "", "pkg/model.py": "from . import layers\n"},
        "pkg/model.py",
        [(1, "pkg/layers.py", (("layers", ""),), False)],
        id="relative-module",
    ),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/ops.py": "", "pkg/model.py": "from .ops import conv2d\n"},
        "pkg/model.py",
        [(1, "pkg/ops.py", (("conv2d", "conv2d"),), False)],
        id="relative-name",
    ),
    pytest.param(
        {"utils.py": "", "pkg/__init__.py": "", "pkg/model.py": "from ..utils import x\n"},
        "pkg/model.py",
        [(1, "utils.py", (("x", "x"),), False)],
        id="relative-parent",
    ),
    pytest.param(
        {"pkg/model.py": "from ...utils import x\n"},
        "pkg/model.py",
        [],
        id="relative-above-the-root",
    ),
    pytest.param(
        {"scripts/model.py": "", "model.py": "", "scripts/train.py": "from model import Model\n"},
        "scripts/train.py",
        [(1, "scripts/model.py", (("Model", "Model"),), False)],
        id="sibling-of-script-first",
    ),
    pytest.param(
        {"gcn/__init__.py": "", "gcn/layers.py": "", "gcn/models.py": "from gcn.layers import *\n"},
        "gcn/models.py",
        [(1, "gcn/layers.py", (), True)],
        id="star-import-through-package-parent",
    ),
    pytest.param(
        {"data/reader.py": "", "train.py": "from data import reader\n"},
        "train.py",
        [(1, "data/reader.py", (("reader", ""),), False)],
        id="namespace-directory",
    ),
    pytest.param(
        {"model.py": "", "train.py": "import numpy as np\nimport tensorflow as tf\nfrom os import path\n"},
        "train.py",
        [],
        id="not-in-the-tree",
    ),
    pytest.param(
        {"model.py": "def f():\n    try:\n        import model\n    except ImportError:\n        pass\n",
         "train.py": "def main():\n    import model\n"},
        "train.py",
        [(2, "model.py", (("model", ""),), False)],
        id="inside-a-function",
    ),
    pytest.param(
        {"train.py": "print 'python 2'\nif True:\n    from ops import (f,\n        g)\n'''\nfrom ops import\n'''\n",
         "ops.py": ""},
        "train.py",
        [(3, "ops.py", (("f", "f"), ("g", "g")), False)],
        id="python2-import-lines",
    ),
]


@pytest.mark.parametrize(("files", "importer", "expected"), RESOLUTION)
def test_resolution(files: dict[str, str], importer: str, expected: list[tuple[object, ...]]) -> None:
    project = scan_sources(files)
    found = [(site.line, site.module, site.names, site.star) for site in project.imports_of(importer)]
    assert found == expected


def test_a_module_imports_itself_by_name_is_not_recorded() -> None:
    assert scan_sources({"model.py": "import model\n"}).imports == ()


def test_module_imported_by_two_scripts() -> None:
    project = scan_sources(
        {"model.py": "", "train.py": "from model import Model\n", "sample.py": "\nimport model\n"}
    )
    assert [(s.importer, s.line, s.statement) for s in project.importers_of("model.py")] == [
        ("sample.py", 2, "import model"),
        ("train.py", 1, "from model import Model"),
    ]
    links = project.links("model.py")
    assert links.imports == () and len(links.imported_by) == 2


def test_import_cycle_ends() -> None:
    project = scan_sources({"a.py": "import b\n", "b.py": "import a\n", "train.py": "import a\n"})
    assert project.reached_from("a.py") == ("a.py", "b.py", "train.py")
    assert project.reached_from("train.py") == ()


def test_transitive_importers() -> None:
    project = scan_sources(
        {"pkg/__init__.py": "from .model import M\n", "pkg/model.py": "from .ops import f\n", "pkg/ops.py": "",
         "train.py": "from pkg import M\n"}
    )
    assert project.reached_from("pkg/ops.py") == ("pkg/__init__.py", "pkg/model.py", "train.py")


def test_seen_from_is_relative_to_the_reader() -> None:
    site = ImportSite("scripts/train.py", 3, 0, "import model", "lib/model.py")
    assert site.seen_from("lib/model.py") == "../scripts/train.py (line 3: import model)"


def test_suppression_comment_is_recorded() -> None:
    project = scan_sources({"model.py": "", "train.py": "import model  # tf-migrate: ignore[TFM007]\n"})
    (site,) = project.imports
    assert site.switched_off("TFM007") and not site.switched_off("TFM006")


GRAPH_MODULE = "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n"


def test_single_source_is_unchanged() -> None:
    finding = next(f for f in rewrite_source(GRAPH_MODULE).findings if f.code == "TFM006")
    assert finding.message.endswith("the module that runs it is not converted with it")


def _findings(report_path: Path) -> list[tuple[str, int, str, str]]:
    report = json.loads(report_path.read_text())
    return [(Path(f["path"]).name, f["line"], f["code"], f["message"]) for f in report["findings"]
            if f["code"] in ("TFM006", "TFM007")]


def test_directory_run_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "char_model"
    shutil.copytree(PROJECT, tree)
    report = tmp_path / "report.json"
    main(["rewrite", str(tree), "-o", str(tmp_path / "out"), "-q", "--report", str(report), "-j", "1"])
    found = _findings(report)
    run_elsewhere = {name: message for name, _, code, message in found if code == "TFM006"}
    assert run_elsewhere["model.py"].endswith(
        "; run from sample.py (line 3: import model), train.py (line 4: from model import Model)"
    )
    assert run_elsewhere["ops.py"].endswith(
        "; run from model.py (line 3: import ops as o), nets/layers.py (line 1: from ..ops import dense)"
    )
    assert run_elsewhere["unused.py"].endswith("; no module of the tree imports it")
    runs_graph = sorted((name, line) for name, line, code, _ in found if code == "TFM007")
    # sample.py's import carries `# tf-migrate: ignore[TFM007]`.
    assert runs_graph == [("layers.py", 1), ("model.py", 3), ("train.py", 4)]
    message = next(m for name, _, code, m in found if code == "TFM007" and name == "layers.py")
    assert message == "from ..ops import dense: ../ops.py builds graph code and opens no session (TFM006); " \
        "the two are rewritten apart"
    assert "TFM007 x3" in capsys.readouterr().err


def test_files_given_one_by_one_are_not_a_project(tmp_path: Path) -> None:
    report = rewrite_paths([PROJECT / "model.py", PROJECT / "train.py"], jobs=1)
    codes = [f.code for f in report.findings]
    assert "TFM007" not in codes
    (message,) = [f.message for f in report.findings if f.code == "TFM006"]
    assert message.endswith("not converted with it")


def test_workers_get_the_same_links(tmp_path: Path) -> None:
    one = rewrite_paths([PROJECT], jobs=1)
    two = rewrite_paths([PROJECT], jobs=2)
    assert one.findings == two.findings


def test_project_imports_lists_the_tree() -> None:
    project = project_imports(PROJECT)
    assert "nets/__init__.py" in project.files
    assert [(s.importer, s.module, s.star) for s in project.imports_of("nets/blocks.py")] == [
        ("nets/blocks.py", "nets/layers.py", True)
    ]


@pytest.mark.parametrize(
    ("source", "stateful"),
    [
        pytest.param("def w(s):\n    return tf.get_variable('w', s)\n", True, id="get-variable"),
        pytest.param("def x():\n    return tf.placeholder(tf.float32)\n", True, id="placeholder"),
        pytest.param("def d(x):\n    return tf.layers.dense(x, 3)\n", True, id="tf-layers"),
        pytest.param("def c(x):\n    return slim.conv2d(x, 8, 3)\n", True, id="slim"),
        pytest.param("def h(a, b):\n    return tf.reduce_mean(tf.abs(a - b))\n", False, id="pure-ops"),
        pytest.param("def load(path):\n    return np.load(path)\n", False, id="no-tensorflow"),
        pytest.param("print 'python 2'\n", False, id="not-python-3"),
    ],
)
def test_makes_graph_state(source: str, stateful: bool) -> None:
    assert makes_graph_state(source) is stateful


def test_links_name_the_imported_modules_that_make_graph_state() -> None:
    graph = scan_sources(
        {
            "layers.py": "def dense(x):\n    return tf.layers.dense(x, 3)\n",
            "losses.py": "def l2(x):\n    return tf.reduce_sum(x * x)\n",
            "train.py": "from layers import dense\nimport losses\n",
        }
    )
    assert graph.links("train.py").stateful_modules == {"layers.py"}
    assert graph.links("layers.py").stateful_modules == frozenset()
