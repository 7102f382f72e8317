"""The encoder's optimised copy: a small graph and its weights apart, read back as they lie,
written again when it cannot be read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from summarizer.backends import minilm

FEED = {"input_ids": np.array([[101, 1996, 2473, 2777, 2006, 6928, 1012, 102],
                               [101, 7632, 1012, 102, 0, 0, 0, 0]], dtype=np.int64),
        "attention_mask": np.array([[1] * 8, [1] * 4 + [0] * 4], dtype=np.int64)}


@pytest.fixture(scope="module")
def exported() -> Path:
    return minilm.ensure_onnx(minilm.model_path(), minilm.default_export_dir(), "fp32")


def _weights(graph: Path) -> list[Path]:
    return sorted(graph.parent.glob(f"{graph.name}.*.weights"))


def test_the_copy_is_a_small_graph_and_its_weights_read_back_alike(tmp_path: Path,
                                                                   exported: Path) -> None:
    import onnxruntime as ort

    (tmp_path / exported.name).symlink_to(exported)
    graph = minilm.optimised_path(tmp_path / exported.name, ort.__version__)
    first = minilm._onnx_session(tmp_path / exported.name, 1)
    (weights,) = _weights(graph)
    assert graph.stat().st_size < 1_000_000 < 80_000_000 < weights.stat().st_size
    stamps = graph.stat().st_mtime_ns, weights.stat().st_mtime_ns
    second = minilm._onnx_session(tmp_path / exported.name, 1)
    assert (graph.stat().st_mtime_ns, weights.stat().st_mtime_ns) == stamps
    plain = ort.InferenceSession(str(exported), providers=["CPUExecutionProvider"])
    reference = plain.run(None, FEED)[0]
    assert np.allclose(first.run(None, FEED)[0], reference, atol=1e-6)
    assert np.array_equal(second.run(None, FEED)[0], first.run(None, FEED)[0])
    assert not list(tmp_path.glob("*.tmp"))


def test_a_copy_whose_weights_are_gone_is_written_again(tmp_path: Path,
                                                        exported: Path) -> None:
    import onnxruntime as ort

    (tmp_path / exported.name).symlink_to(exported)
    graph = minilm.optimised_path(tmp_path / exported.name, ort.__version__)
    expected = minilm._onnx_session(tmp_path / exported.name, 1).run(None, FEED)[0]
    (lost,) = _weights(graph)
    lost.unlink()
    again = minilm._onnx_session(tmp_path / exported.name, 1)
    assert np.array_equal(again.run(None, FEED)[0], expected)
    (written,) = _weights(graph)
    assert written != lost
    assert np.array_equal(minilm._onnx_session(tmp_path / exported.name, 1).run(None, FEED)[0],
                          expected)


def test_writing_the_copy_removes_what_it_supersedes(tmp_path: Path, exported: Path) -> None:
    """An earlier writer's weights and an earlier version's single-file copy are deleted
    once the new graph is in place; other models' files are left alone."""
    import onnxruntime as ort

    (tmp_path / exported.name).symlink_to(exported)
    graph = minilm.optimised_path(tmp_path / exported.name, ort.__version__)
    orphan = graph.with_name(f"{graph.name}.0123456789ab.weights")
    old_copy = tmp_path / f"{exported.stem}.ort-1.19.0.onnx"
    other_model = tmp_path / "another-model.ort-1.19.0.onnx"
    for path in (orphan, old_copy, other_model):
        path.write_bytes(b"stale")
    minilm._onnx_session(tmp_path / exported.name, 1)
    (weights,) = _weights(graph)
    assert weights != orphan
    assert not orphan.exists()
    assert not old_copy.exists()
    assert other_model.exists()
