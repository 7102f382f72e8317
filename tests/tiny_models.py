"""Tiny randomly initialised Hugging Face models, built in-process and saved to a folder.

No real seq2seq, NLI or NER weights can be had offline, so the hub backends are tested on
models of the right families with a few thousand parameters: the code path (load from a
folder, tokenize, chunk, generate, read labels from the config) is the real one; only the
weights are noise. Some builders pin the classifier head so the output is known in advance.

Each builder is a plain function `build_...(folder) -> folder`, so any test module can wrap
it in a fixture of the scope it needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import torch
from tokenizers import (
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    BertConfig,
    BertForSequenceClassification,
    BertForTokenClassification,
    PreTrainedTokenizerFast,
)

SAMPLE_TEXT = Path(__file__).resolve().parents[1] / "summarizer" / "data" / "sample_article.txt"

NLI_LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}
NER_LABELS = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-ORG", 4: "I-ORG", 5: "B-LOC", 6: "I-LOC",
              7: "B-MISC", 8: "I-MISC"}


def _training_text() -> Iterator[str]:
    yield from SAMPLE_TEXT.read_text(encoding="utf-8").splitlines()
    # A few words the tests use that the sample article may lack.
    yield "Germans Japanese British Israeli Americans Reuters Berlin Paris Angela Merkel"


def build_bpe_tokenizer(folder: Path, vocab_size: int = 600) -> PreTrainedTokenizerFast:
    """A BART-style byte-level BPE tokenizer trained on the sample article."""
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(_training_text(), trainer=trainer)
    tokenizer.post_processor = processors.RobertaProcessing(
        ("</s>", tokenizer.token_to_id("</s>")), ("<s>", tokenizer.token_to_id("<s>")),
        trim_offsets=True, add_prefix_space=False,
    )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>", mask_token="<mask>", model_max_length=1_000_000,
    )
    wrapped.save_pretrained(folder)
    return wrapped


def build_wordpiece_tokenizer(folder: Path, vocab_size: int = 600) -> PreTrainedTokenizerFast:
    """A BERT-style cased WordPiece tokenizer trained on the sample article."""
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials)
    tokenizer.train_from_iterator(_training_text(), trainer=trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, cls_token="[CLS]", sep_token="[SEP]", pad_token="[PAD]",
        unk_token="[UNK]", mask_token="[MASK]", model_max_length=1_000_000,
    )
    wrapped.save_pretrained(folder)
    return wrapped


def build_tiny_bart(folder: Path, max_positions: int = 128, **generation: int) -> Path:
    """A 2-layer BART (d_model 32) that reads at most `max_positions` tokens.

    `generation` overrides the generation config (e.g. max_length=12, num_beams=2); by
    default it generates short outputs so tests stay fast.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = build_bpe_tokenizer(folder)
    torch.manual_seed(0)
    config = BartConfig(
        vocab_size=len(tokenizer), d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id,
        forced_bos_token_id=tokenizer.bos_token_id, forced_eos_token_id=tokenizer.eos_token_id,
    )
    model = BartForConditionalGeneration(config).eval()
    # BART-CNN's own settings, shortened; it forces <s> first, as the real model does.
    settings = {"max_length": 16, "min_length": 6, "num_beams": 2, "no_repeat_ngram_size": 3,
                "forced_bos_token_id": tokenizer.bos_token_id}
    settings.update(generation)
    for key, value in settings.items():
        setattr(model.generation_config, key, value)
    model.save_pretrained(folder)
    return folder


def _pin_head(head: torch.nn.Linear, favour: Mapping[int, float]) -> None:
    """Make the head's output the same for every input: zero weights, chosen biases."""
    with torch.no_grad():
        head.weight.zero_()
        head.bias.zero_()
        for index, value in favour.items():
            head.bias[index] = value


def build_tiny_nli(folder: Path, id2label: Mapping[int, str] | None = None,
                   favour: Mapping[str, float] | None = None) -> Path:
    """A 2-layer BERT sequence classifier with NLI labels (`id2label`, any order).

    `favour` pins the classifier's logits by label name (e.g. {"entailment": 2.0}), so the
    scores a test expects are known whatever the random encoder does.
    """
    folder.mkdir(parents=True, exist_ok=True)
    labels = dict(id2label or NLI_LABELS)
    tokenizer = build_wordpiece_tokenizer(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, num_labels=len(labels),
        id2label=labels, label2id={name: index for index, name in labels.items()},
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForSequenceClassification(config).eval()
    if favour is not None:
        by_name = {name: index for index, name in labels.items()}
        _pin_head(model.classifier, {by_name[name]: value for name, value in favour.items()})
    model.save_pretrained(folder)
    return folder


def build_tiny_ner(folder: Path, favour: str | None = None, max_positions: int = 128) -> Path:
    """A 2-layer BERT token classifier with CoNLL labels (PER/ORG/LOC/MISC in BIO).

    `favour` (e.g. "B-PER") pins every token's prediction to that label.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = build_wordpiece_tokenizer(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=max_positions, num_labels=len(NER_LABELS),
        id2label=NER_LABELS, label2id={name: index for index, name in NER_LABELS.items()},
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForTokenClassification(config).eval()
    if favour is not None:
        index = {name: i for i, name in NER_LABELS.items()}[favour]
        _pin_head(model.classifier, {index: 10.0})
    model.save_pretrained(folder)
    return folder
