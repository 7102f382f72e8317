"""The embedded backends' fast paths agree with their plain references."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
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


def test_one_shot_cli_imports_nothing_heavy_parses_in_a_child_and_briefs_the_same(
        backends: Backends) -> None:
    import io
    import json

    from summarizer.cli import main

    code = (
        "import sys\n"
        "from summarizer.cli import main\n"
        "main(['brief', '--no-cache', '-q', '--json'])\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers', 'trafilatura',"
        " 'spacy') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    # spaCy too: a one-shot run parses in its child process (summarizer.people_process).
    assert "HEAVY []" in done.stderr, done.stderr[-2000:]
    here = io.StringIO()
    assert main(["brief", "--no-cache", "-q", "--json"], stdout=here, backends=backends) == 0
    assert json.loads(done.stdout) == json.loads(here.getvalue())


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


# --- start-up: what a one-shot run skips, and that it changes nothing -------------------------


def _run_python(code: str, timeout: int = 180) -> str:
    """Run `code` in a fresh interpreter (nothing imported yet, no threads) and return its
    standard output; fails the test on a non-zero exit."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("folder", ["real_articles", "heldout"])
def test_trimmed_spacy_load_parses_like_the_plain_load(folder: str) -> None:
    import spacy

    from summarizer.backends.spacy_nlp import UNUSED_COMPONENTS, load_pipeline

    texts = [path.read_text(encoding="utf-8") for path in
             sorted((Path(__file__).parents[1] / "fixtures" / folder).glob("*.txt"))]
    assert len(texts) >= 10
    plain = spacy.load(SPACY_PACKAGE, exclude=list(UNUSED_COMPONENTS))
    trimmed = load_pipeline()
    assert trimmed.pipe_names == plain.pipe_names == ["tok2vec", "tagger", "parser", "ner"]

    def read(doc: object) -> list[tuple[object, ...]]:
        return [(t.text, t.idx, t.tag_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_,
                 t.is_sent_start, t.norm_) for t in doc]  # type: ignore[attr-defined]

    assert [read(d) for d in trimmed.pipe(texts)] == [read(d) for d in plain.pipe(texts)]


def test_spacy_is_imported_without_its_cli_and_the_cli_still_imports() -> None:
    out = _run_python(
        "import sys\n"
        "from summarizer.backends.spacy_nlp import import_spacy\n"
        "spacy = import_spacy()\n"
        "print('cli loaded:', 'spacy.cli' in sys.modules, 'torch' in sys.modules)\n"
        "import spacy.cli\n"
        "print('real cli:', hasattr(spacy.cli, 'download'), callable(spacy.info))\n")
    assert "cli loaded: False False" in out and "real cli: True True" in out


def test_the_optimised_graph_is_saved_once_and_gives_the_same_vectors(
        tmp_path: Path, backends: Backends) -> None:
    import onnxruntime as ort

    from summarizer.backends import minilm

    embedder = backends.embedder
    assert isinstance(embedder, MiniLMEmbedder)
    exported = minilm.ensure_onnx(minilm.model_path(), minilm.default_export_dir(), "fp32")
    (tmp_path / exported.name).symlink_to(exported)
    copy = minilm.optimised_path(tmp_path / exported.name, ort.__version__)
    first = minilm._onnx_session(tmp_path / exported.name, 1)  # writes the optimised copy
    assert copy.is_file()
    stamp = copy.stat().st_mtime_ns
    second = minilm._onnx_session(tmp_path / exported.name, 1)  # reads it
    assert copy.stat().st_mtime_ns == stamp
    tokens = embedder.tokenizer.encode_batch(TEXTS[:2])
    width = max(len(t.ids) for t in tokens)
    ids = np.zeros((2, width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(tokens):
        ids[row, :len(encoding.ids)] = encoding.ids
        mask[row, :len(encoding.ids)] = 1
    feed = {"input_ids": ids, "attention_mask": mask}
    plain_options = ort.SessionOptions()
    plain_options.intra_op_num_threads = 1
    plain = ort.InferenceSession(str(exported), plain_options,
                                 providers=["CPUExecutionProvider"])
    reference = plain.run(None, feed)[0]
    assert np.allclose(first.run(None, feed)[0], reference, atol=1e-6)
    assert np.array_equal(first.run(None, feed)[0], second.run(None, feed)[0])


def test_lasting_vectors_are_read_back_instead_of_encoded(tmp_path: Path) -> None:
    from summarizer.backends.minilm import LastingVectors

    encoded: list[list[str]] = []

    def embed(texts: Sequence[str]) -> np.ndarray:
        encoded.append(list(texts))
        return np.array([[len(t)] * 384 for t in texts], dtype=np.float32)

    path = tmp_path / "vectors.npz"
    first = LastingVectors(path).get(["a", "bb", "a"], embed)
    assert encoded == [["a", "bb"]] and first[:, 0].tolist() == [1, 2, 1]
    again = LastingVectors(path).get(["bb", "ccc"], embed)  # a new process: reads the file
    assert encoded[1:] == [["ccc"]] and again[:, 0].tolist() == [2, 3]
    capped = LastingVectors(path, max_texts=2)
    capped.get(["dddd"], embed)
    assert sorted(LastingVectors(path)._read()) == ["ccc", "dddd"]  # the oldest went
    path.write_bytes(b"not an npz file")
    assert LastingVectors(path).get(["a"], embed)[:, 0].tolist() == [1]
    assert encoded[-1] == ["a"]  # an unreadable file is encoded afresh, then rewritten


def test_label_vectors_from_disk_equal_fresh_ones(backends: Backends) -> None:
    from summarizer.taxonomy import DEFAULT_LABELS, facet_prompts

    embedder = backends.embedder
    assert isinstance(embedder, MiniLMEmbedder)
    prompts = [p for label in DEFAULT_LABELS[:4] for group in facet_prompts(label) for p in group]
    lasting = embedder.embed_lasting(prompts)
    embedder.forget()
    assert np.allclose(lasting, embedder.embed(prompts), atol=1e-6)
    assert embedder._lasting is not None and embedder._lasting.path.is_file()


# --- the one-shot parse process ----------------------------------------------------------------


def test_people_found_in_a_child_process_equal_those_found_here() -> None:
    out = _run_python(
        "from summarizer.article import sample_article\n"
        "from summarizer.people_process import PeopleProcess, find_people\n"
        "article = sample_article()\n"
        "with PeopleProcess() as process:\n"
        "    process.send(article)\n"
        "    forked = process.result()\n"
        "here = find_people(article)\n"
        "print('same:', forked == here, len(here[0]), len(here[1]))\n")
    same, actors, quotes = out.split()[1:]
    assert same == "True" and int(actors) >= 10 and int(quotes) >= 5


@pytest.mark.parametrize(("loading", "finding", "expected"), [
    ("raise ModelError('the spaCy package is missing')", "pass", "ModelError the spaCy package"),
    ("pass", "os._exit(3)",
     "ModelError The spaCy parse process ended without a result (exit code 3)"),
    ("pass", "raise KeyError('x')", "KeyError 'x'"),
])
def test_a_failing_child_is_reported_by_the_parent(loading: str, finding: str,
                                                   expected: str) -> None:
    out = _run_python(
        "import os\n"
        "import summarizer.people_process as people_process\n"
        "from summarizer.article import sample_article\n"
        "from summarizer.errors import ModelError\n"
        "def load_finder():\n"
        f"    {loading}\n"
        "    def find(article):\n"
        f"        {finding}\n"
        "    return find\n"
        "people_process.load_finder = load_finder\n"
        "try:\n"
        "    with people_process.PeopleProcess() as process:\n"
        "        process.send(sample_article())\n"
        "        process.result()\n"
        "except Exception as error:\n"
        "    print(type(error).__name__, error)\n", timeout=60)
    assert out.startswith(expected), out


def test_a_large_article_is_sent_while_the_child_is_still_loading() -> None:
    out = _run_python(
        "import time\n"
        "import summarizer.people_process as people_process\n"
        "from summarizer.article import article_from_text\n"
        "def load_finder():\n"
        "    time.sleep(2)\n"
        "    return lambda article: (len(article.text), len(article.paragraphs))\n"
        "people_process.load_finder = load_finder\n"
        "article = article_from_text('\\n\\n'.join(f'Paragraph {i} says a thing or two.'"
        " for i in range(5000)))\n"
        "with people_process.PeopleProcess() as process:\n"
        "    started = time.monotonic()\n"
        "    process.send(article)  # ~1 MB pickled: more than a pipe holds\n"
        "    sent = time.monotonic() - started\n"
        "    print(process.result() == (len(article.text), 5000), sent < 1.5)\n", timeout=60)
    assert out.split() == ["True", "True"]


def test_closing_stops_a_running_child_at_once() -> None:
    out = _run_python(
        "import os, time\n"
        "import summarizer.people_process as people_process\n"
        "from summarizer.article import sample_article\n"
        "people_process.load_finder = lambda: time.sleep(60)\n"
        "started = time.monotonic()\n"
        "process = people_process.PeopleProcess()\n"
        "process.send(sample_article())\n"
        "pid = process._pid\n"
        "process.close()\n"
        "try:\n"
        "    os.kill(pid, 0)\n"
        "    print('still there')\n"
        "except ProcessLookupError:\n"
        "    print('gone after', round(time.monotonic() - started))\n", timeout=30)
    assert out.strip() == "gone after 0"
