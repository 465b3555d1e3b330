"""``view_image``: an image content part for models that take images, a clear message for
those that do not, a tool error for what is not an image."""

from __future__ import annotations

import asyncio
import base64
import io

import pytest
from inspect_ai.tool import ContentImage, ToolError
from PIL import Image

from mle_inspect.solvers import _view_image
from mle_inspect.solvers._view_image import MAX_SIDE, view_image


class FakeSandbox:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    async def read_file(self, path: str, text: bool = True) -> bytes:
        if path not in self.files:
            raise FileNotFoundError(path)
        return self.files[path]


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    files = {
        "/home/data/small.png": _png(8, 6),
        "/home/data/big.png": _png(3000, 1500),
        "/home/data/notes.txt": b"not an image",
    }
    monkeypatch.setattr(_view_image, "sandbox", lambda: FakeSandbox(files))
    return files


def _image_of(parts: object) -> Image.Image:
    [image] = [p for p in parts if isinstance(p, ContentImage)]  # type: ignore[union-attr]
    header, encoded = image.image.split(",", 1)
    assert header.startswith("data:image/")
    return Image.open(io.BytesIO(base64.b64decode(encoded)))


def test_an_image_comes_back_as_an_image_part(files: dict[str, bytes]) -> None:
    parts = asyncio.run(view_image()(path="/home/data/small.png"))
    assert _image_of(parts).size == (8, 6)


def test_a_large_image_is_shrunk(files: dict[str, bytes]) -> None:
    parts = asyncio.run(view_image()(path="/home/data/big.png"))
    assert max(_image_of(parts).size) == MAX_SIDE


def test_a_model_without_image_input_gets_a_clear_message(files: dict[str, bytes]) -> None:
    answer = asyncio.run(view_image(accepts_images=False)(path="/home/data/small.png"))
    assert isinstance(answer, str) and "cannot take images as input" in answer


def test_missing_files_and_non_images_are_tool_errors(files: dict[str, bytes]) -> None:
    with pytest.raises(ToolError, match="no file at"):
        asyncio.run(view_image()(path="/home/data/none.png"))
    with pytest.raises(ToolError, match="not an image"):
        asyncio.run(view_image()(path="/home/data/notes.txt"))
