"""The embedded backends' fast paths agree with their plain references."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from summarizer.analysis import run_analyses
from summarizer.backends import Backends
from summarizer.backends.minilm import MiniLMEmbedder
from summarizer.backends.spacy_nlp import SPACY_PACKAGE, preset_sentences
from summarizer.errors import ModelError
from summarizer.options import AnalysisOptions
from summarizer.types import Article

TEXTS = [
    "Shares fell 3% on Tuesday after the central bank raised rates.",
    "The striker scored twice in the second half.",
    "",
    "A much longer sentence about the new smartphone, its battery, its camera and its "
    "price, which reviewers said was too high for what it offers compared with last year's.",
    "Shares fell 3% on Tuesday after the central bank raised rates.",
]


@pytest.fixture(scope="module")
def reference() -> MiniLMEmbedder:
    return MiniLMEmbedder(precision="fp32", runtime="torch")


def test_onnx_fp32_matches_torch(backends: Backends, reference: MiniLMEmbedder) -> None:
    embedder = backends.embedder
    embedder.forget()  # type: ignore[attr-defined]
    ours, theirs = embedder.embed(TEXTS), reference.embed(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert (ours * theirs).sum(axis=1).min() > 0.9999


def test_batching_does_not_change_vectors(reference: MiniLMEmbedder) -> None:
    one_by_one = np.stack([reference.embed([text])[0] for text in TEXTS])
    reference.forget()
    together = reference.embed(TEXTS)
    assert np.allclose(one_by_one, together, atol=1e-5)


def test_int8_stays_close_to_fp32(backends: Backends, sample: Article) -> None:
    sentences = [s.text for p in sample.paragraphs for s in p.sentences]
    backends.embedder.forget()  # type: ignore[attr-defined]
    exact = backends.embedder.embed(sentences)
    quantized = MiniLMEmbedder(precision="int8").embed(sentences)
    cosine = (exact * quantized).sum(axis=1)
    assert cosine.mean() > 0.98 and cosine.min() > 0.95


def test_overlapped_briefing_equals_sequential(backends: Backends, sample: Article) -> None:
    def fresh(overlap: bool) -> object:
        backends.embedder.forget()  # type: ignore[attr-defined]
        backends.parser._cache.clear()
        return run_analyses(sample, AnalysisOptions(), backends, overlap=overlap)

    assert fresh(True) == fresh(False)


def test_parse_without_unused_components_matches_full_pipeline(backends: Backends,
                                                               sample: Article) -> None:
    import spacy

    full = spacy.load(SPACY_PACKAGE)
    ours = backends.parser.parse(sample)
    for paragraph, doc in zip(sample.paragraphs, ours, strict=True):
        # Both with the article's sentence boundaries preset, as the pipeline parses.
        reference = full(preset_sentences(full.make_doc(paragraph.text), paragraph))
        assert [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_, t.is_sent_start)
                for t in doc] == [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_,
                                   t.is_sent_start) for t in reference]


def test_cli_path_imports_neither_torch_nor_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from summarizer.cli import main\n"
        "main(['brief', '--no-cache', '-q', '--json'])\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers', 'trafilatura')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert "HEAVY []" in done.stderr, done.stderr[-2000:]


def test_unwritable_export_folder_falls_back_to_torch(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    embedder = MiniLMEmbedder(export_dir=blocker / "onnx")
    assert embedder.runtime == "torch"
    assert embedder.embed(["hello world"]).shape == (1, 384)
    with pytest.raises(ModelError):
        MiniLMEmbedder(runtime="onnx", export_dir=blocker / "onnx")


def test_the_one_time_export_says_what_it_does_and_is_silent_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.backends import minilm

    exported: list[Path] = []

    def fake_export(path: Path, out: Path) -> None:  # the real one takes ~20 s
        exported.append(out)
        out.write_bytes(b"onnx")

    monkeypatch.setattr(minilm, "_export_onnx", fake_export)
    monkeypatch.setattr(minilm, "_quantize", lambda source, out: out.write_bytes(b"int8"))
    said: list[str] = []
    minilm.ensure_onnx(minilm.model_path(), tmp_path, "int8", progress=said.append)
    assert len(exported) == 1
    assert said[0].startswith("First run on this machine: exporting the sentence encoder")
    assert "step 1 of 2" in said[0] and any("step 2 of 2" in line for line in said)
    said.clear()
    minilm.ensure_onnx(minilm.model_path(), tmp_path, "int8", progress=said.append)
    minilm.ensure_onnx(minilm.model_path(), tmp_path, "fp32", progress=said.append)
    assert said == [] and len(exported) == 1
