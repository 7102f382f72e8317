"""Files written so that no reader ever sees half of one.

Every file the project keeps for later runs (cache entries, the exported sentence encoder and
its int8 and optimised copies, label vectors kept on disk, a converted model's settings) is
written through `replacing`: the content goes to a temporary file in the target's folder,
which is then renamed over the target in one step (`os.replace` is atomic within a file
system). A crash, a full disk or a concurrent writer leaves the old file or the new one,
never a mix, and a failed write removes its temporary file. Temporary files are owner-only
(0600, as `tempfile.mkstemp` creates them) and end in `TEMP_SUFFIX`, so the owner of a
folder can sweep what a killed process left behind (`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# A temporary file this old is a dead writer's leftover: a write takes milliseconds, the
# longest (exporting the encoder to ONNX) well under a minute.
STALE_TEMP_SECONDS = 600


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A new, empty, owner-only temporary file beside `target`; when the block ends without
    an error it replaces `target` at once, and on any error it is removed.

    For writers that want a path (an ONNX export, ONNX Runtime's optimised model); see
    `write_atomic` for plain content.

    Raises:
        OSError: the folder cannot be written, or the rename failed (the disk is full,
            another file system...); the target is then left as it was.
    """
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=TEMP_SUFFIX)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        # After a successful rename there is nothing left to remove.
        temp.unlink(missing_ok=True)


def write_atomic(target: Path, content: str | bytes) -> None:
    """Write `content` (text is UTF-8) to `target` atomically, owner-only.

    Raises:
        OSError: as `replacing`; nothing is left behind.
    """
    with replacing(target) as temp:
        if isinstance(content, str):
            temp.write_text(content, encoding="utf-8")
        else:
            temp.write_bytes(content)


def remove_stale_temps(folder: Path, pattern: str = f"*{TEMP_SUFFIX}",
                       older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove the temporary files matching `pattern` under `folder` that are older than
    `older_than` seconds (a live writer's are younger); returns how many went."""
    cutoff = time.time() - older_than
    removed = 0
    for temp in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
                removed += 1
    return removed


def create_owner_only(path: Path) -> None:
    """Create `path` empty and readable by its owner only (0600) unless it exists: for a
    file another library then opens (SQLite), so it is never world-readable even briefly."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
