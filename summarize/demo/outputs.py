"""Where the demo's requests leave their files: one fresh folder per request, removed
after ``keep_outputs_s``."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path

#: The kinds of request folders (their names start with ``<kind>-``).
KINDS = ("batch", "eval", "digest")


class RequestFolders:
    """Fresh folders under ``workdir`` (a temporary folder when ``None``)."""

    def __init__(self, workdir: Path | None, keep_outputs_s: int | None) -> None:
        if workdir is not None:
            self.workdir = Path(workdir)
            self.workdir.mkdir(parents=True, exist_ok=True)
        else:
            self.workdir = Path(tempfile.mkdtemp(prefix="summarize-demo-"))
        self.keep_outputs_s = keep_outputs_s

    def new(self, kind: str) -> Path:
        """A fresh folder for one request's files; older ones past ``keep_outputs_s`` go."""
        self.prune()
        d = self.workdir / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def prune(self) -> None:
        keep = self.keep_outputs_s
        if keep is None:
            return
        cutoff = time.time() - keep
        for d in self.workdir.iterdir():
            if not d.name.startswith(tuple(f"{k}-" for k in KINDS)):
                continue
            try:
                if d.is_dir() and d.stat().st_mtime < cutoff:
                    shutil.rmtree(d, ignore_errors=True)
            except OSError:  # another request removed it first
                continue
