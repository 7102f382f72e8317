"""How fast the summarizer generates, against plain `generate()`, on the real model's shape.

No real summarization weights can be had offline, and speed does not depend on the weights'
values, so this builds a randomly initialised model with the full distilbart-cnn-12-6
architecture (12 encoder / 6 decoder layers, d_model 1024, 16 heads, ffn 4096, vocab 50264,
1,024 positions), feeds it a 1,000-token input and forces a 142-token output (no early
stop), with the same beam width in every configuration:

- naive: `AutoModelForSeq2SeqLM` fp32, eager attention, `generate()`;
- fast: what `Seq2SeqSummarizer` runs by default on this machine (its engine and precision).

It also reports how closely the fast path follows fp32: the log-probabilities both assign to
the same 142-token output (teacher forcing), as a correlation and a mean absolute gap.

    python benchmarks/bench_generate.py                # CPU (and CUDA too when present)
    python benchmarks/bench_generate.py --extra int8 bf16   # also torch int8 / bf16 on CPU

Set HF_HUB_OFFLINE=1: nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.backends.fast_generate import (
    DecodingSettings,
    Generator,
    TorchGenerator,
)
from summarizer.backends.hub_summarizer import Seq2SeqSummarizer

INPUT_TOKENS = 1000
OUTPUT_TOKENS = 142
VOCAB = 50264


def distilbart_config() -> Any:
    from transformers import BartConfig

    return BartConfig(
        vocab_size=VOCAB, d_model=1024, encoder_layers=12, decoder_layers=6,
        encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096,
        decoder_ffn_dim=4096, max_position_embeddings=1024, activation_function="gelu",
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0, forced_eos_token_id=2, scale_embedding=False,
    )


# Every SENTENCE_EVERY-th made-up word ends a sentence ("W64."), so a generated summary
# splits into sentences about as often as a real one (CNN/DailyMail-style summaries run
# three to four sentences in up to 142 tokens) and the pipeline's sentence logic (bullets,
# the reduce step) runs as it would on a real model. Bumped when the tokenizer changes.
SENTENCE_EVERY = 32
_BUILDER_VERSION = 2


def build_model_folder(folder: Path) -> Path:
    """Random full-size weights plus a word-level tokenizer over 50,264 made-up tokens
    ("W4" ... "W50262", some of them sentence-final). Weights are kept across versions;
    only the tokenizer is rewritten when the builder changes."""
    from transformers import BartForConditionalGeneration

    stamp = folder / "bench-builder.json"
    current = {"version": _BUILDER_VERSION, "sentence_every": SENTENCE_EVERY}
    if (folder / "config.json").is_file():
        if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == current:
            return folder
        save_tokenizer(folder)
        stamp.write_text(json.dumps(current), encoding="utf-8")
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    save_tokenizer(folder)
    torch.manual_seed(0)
    model = BartForConditionalGeneration(distilbart_config()).eval()
    model.generation_config.update(num_beams=4, max_length=OUTPUT_TOKENS + 1,
                                   min_length=OUTPUT_TOKENS + 1, no_repeat_ngram_size=3,
                                   length_penalty=2.0, early_stopping=True)
    model.save_pretrained(folder)
    stamp.write_text(json.dumps(current), encoding="utf-8")
    return folder


def save_tokenizer(folder: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {token: i for i, token in enumerate(specials)}
    vocab.update({f"W{i}" + ("." if i % SENTENCE_EVERY == 0 else ""): i
                  for i in range(len(specials), VOCAB - 1)})
    vocab["<mask>"] = VOCAB - 1
    word_level = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    word_level.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    PreTrainedTokenizerFast(
        tokenizer_object=word_level, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>", mask_token="<mask>", model_max_length=1024,
    ).save_pretrained(folder)


def sample_input(seed: int = 0) -> list[int]:
    """<s>, 998 random word tokens, </s>: 1,000 tokens."""
    rng = np.random.default_rng(seed)
    return [0, *rng.integers(4, VOCAB - 1, INPUT_TOKENS - 2).tolist(), 2]


def forced_settings(num_beams: int) -> DecodingSettings:
    # min = max: every configuration produces exactly 142 tokens after the start token,
    # so the timings compare the same amount of decoding work.
    return DecodingSettings(num_beams=num_beams, max_length=OUTPUT_TOKENS + 1,
                            min_length=OUTPUT_TOKENS + 1, length_penalty=2.0,
                            no_repeat_ngram_size=3, early_stopping=False)


def warm_up(generator: Generator, inputs: Sequence[int]) -> None:
    """One short generation first: CUDA picks its kernels (per dtype) on first use, which
    would otherwise be billed to whichever configuration runs first in a new precision."""
    generator.generate([inputs], DecodingSettings(num_beams=4, max_length=4, min_length=4,
                                                  no_repeat_ngram_size=0,
                                                  early_stopping=False))
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(run: Callable[[], list[list[int]]], repeats: int) -> tuple[float, list[int]]:
    best = float("inf")
    output: list[int] = []
    for _ in range(repeats):
        start = time.perf_counter()
        output = run()[0]
        best = min(best, time.perf_counter() - start)
    return best, output


def naive_generator(folder: Path, device: str) -> TorchGenerator:
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype=torch.float32,
                                                  attn_implementation="eager")
    return TorchGenerator(model.to(device).eval(), pad_token_id=1, precision="fp32")


def teacher_forced_logprobs(model: Any, inputs: Sequence[int], output: Sequence[int],
                            device: str) -> np.ndarray:
    """Log-probability the model gives each token of `output` (start token excluded)."""
    source = torch.tensor([list(inputs)], device=device)
    target = torch.tensor([list(output)], device=device)
    with torch.inference_mode():
        logits = model(input_ids=source, decoder_input_ids=target[:, :-1]).logits.float()
    logprobs = logits.log_softmax(-1)[0].gather(-1, target[0, 1:, None])[:, 0]
    return logprobs.cpu().numpy()


def ctranslate2_logprobs(summarizer: Seq2SeqSummarizer, inputs: Sequence[int],
                         output: Sequence[int]) -> np.ndarray:
    translator = summarizer.generator.translator  # type: ignore[attr-defined]
    tokenizer = summarizer.tokenizer
    source = tokenizer.convert_ids_to_tokens(list(inputs))
    # CTranslate2 adds the decoder start token itself; the target is what follows it.
    target = tokenizer.convert_ids_to_tokens(list(output[1:]))
    result = translator.score_batch([source], [target])[0]
    # score_batch also scores the end token it appends; drop it.
    return np.array(result.log_probs[: len(target)], dtype=np.float32)


def agreement(reference: np.ndarray, ours: np.ndarray) -> dict[str, float]:
    size = min(len(reference), len(ours))
    reference, ours = reference[:size], ours[:size]
    return {
        "logprob_correlation": float(np.corrcoef(reference, ours)[0, 1]),
        "mean_abs_logprob_gap": float(np.abs(reference - ours).mean()),
    }


def bench_device(folder: Path, device: str, repeats: int, extra: Sequence[str],
                 num_beams: int) -> dict[str, Any]:
    inputs = sample_input()
    settings = forced_settings(num_beams)
    report: dict[str, Any] = {"device": device, "num_beams": num_beams,
                              "input_tokens": len(inputs), "output_tokens": OUTPUT_TOKENS}
    print(f"\n== {device}: {len(inputs)} input tokens, {OUTPUT_TOKENS} output tokens, "
          f"beam {num_beams} ==", flush=True)

    naive = naive_generator(folder, device)
    warm_up(naive, inputs)
    naive_time, naive_output = timed(lambda: naive.generate([inputs], settings), repeats)
    assert len(naive_output) == OUTPUT_TOKENS + 1, len(naive_output)
    report["naive"] = {"engine": naive.description + ", eager attention", "seconds": naive_time}
    print(f"naive  {naive.description:28s} {naive_time:7.2f} s", flush=True)

    start = time.perf_counter()
    fast = Seq2SeqSummarizer(str(folder), device=device, progress=lambda m: print("  " + m))
    load_time = time.perf_counter() - start
    fast_generator: Generator = fast.generator
    warm_up(fast_generator, inputs)
    fast_time, fast_output = timed(lambda: fast_generator.generate([inputs], settings), repeats)
    report["fast"] = {"engine": fast.engine, "seconds": fast_time,
                      "load_seconds_incl_one_off_conversion": load_time,
                      "output_tokens": len(fast_output) - 1}
    print(f"fast   {fast.engine:28s} {fast_time:7.2f} s   (load {load_time:.1f} s)", flush=True)
    report["speedup"] = naive_time / fast_time
    print(f"ratio  naive / fast = {report['speedup']:.2f}x", flush=True)

    reference = teacher_forced_logprobs(naive.model, inputs, naive_output, device)
    if fast.engine.startswith("ctranslate2"):
        ours = ctranslate2_logprobs(fast, inputs, naive_output)
    else:
        ours = teacher_forced_logprobs(fast.generator.model,  # type: ignore[attr-defined]
                                       inputs, naive_output, device)
    report["fidelity_vs_fp32"] = agreement(reference, ours)
    print(f"fidelity vs fp32 (same 142 tokens, teacher forced): {report['fidelity_vs_fp32']}")

    for precision in extra:
        if device == "cuda" and precision in ("int8",):
            continue
        other = Seq2SeqSummarizer(str(folder), device=device, engine="torch",
                                  precision=precision)  # type: ignore[arg-type]
        warm_up(other.generator, inputs)
        seconds, _ = timed(lambda o=other: o.generator.generate([inputs], settings), 1)
        report[f"torch_{precision}"] = {"engine": other.engine, "seconds": seconds}
        print(f"extra  {other.engine:28s} {seconds:7.2f} s", flush=True)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "bench-distilbart-random")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--device", choices=["all", "cpu", "cuda"], default="all")
    parser.add_argument("--extra", nargs="*", default=[],
                        help="also time torch at these precisions (int8, bf16, fp16)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{platform.processor() or platform.machine()}, "
          f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
    start = time.perf_counter()
    folder = build_model_folder(args.folder)
    print(f"model folder ready in {time.perf_counter() - start:.1f} s: {folder}")
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    if not torch.cuda.is_available():
        devices = [d for d in devices if d != "cuda"]
    reports = [bench_device(folder, device, args.repeats, args.extra, args.beams)
               for device in devices]
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
