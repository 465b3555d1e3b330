"""``view_image``: let the agent look at an image from the sandbox (image competitions).

The image is read from the sandbox, shrunk if large, and returned as an image content part.
Models without image input get a clear text answer instead of a provider error.
"""

from __future__ import annotations

import base64
import io
import mimetypes

from inspect_ai.tool import ContentImage, ContentText, Tool, ToolError, ToolResult, tool
from inspect_ai.util import OutputLimitExceededError, sandbox

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""Largest file the tool reads."""
MAX_SIDE = 1024
"""Longer side of the image sent to the model, in pixels."""

NO_IMAGE_INPUT = (
    "This model cannot take images as input, so view_image cannot show {path}. Describe the "
    "image with code instead (e.g. its size, mode and pixel statistics with PIL or numpy)."
)


def _encode(data: bytes, path: str) -> tuple[str, str]:
    """(mime type, bytes) of the image, shrunk to ``MAX_SIDE`` when PIL is available."""
    mime = mimetypes.guess_type(path)[0] or "image/png"
    try:
        from PIL import Image
    except ImportError:
        return mime, base64.b64encode(data).decode()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if max(image.size) > MAX_SIDE or mime not in ("image/png", "image/jpeg"):
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, format="PNG")
                return "image/png", base64.b64encode(buffer.getvalue()).decode()
    except Exception as ex:  # noqa: BLE001 - any decoder failure is the file's fault
        raise ToolError(f"{path} is not an image that can be read: {ex}") from None
    return mime, base64.b64encode(data).decode()


@tool
def view_image(accepts_images: bool = True) -> Tool:
    """Show an image file from the sandbox to the model.

    Args:
        accepts_images: Whether the model takes image input (False: a text explanation).

    Returns:
        A tool that returns the image (downscaled when large) as model input.
    """

    async def execute(path: str) -> ToolResult:
        """Look at an image file (PNG, JPEG, TIFF...), e.g. a training example.

        Args:
            path: Path of the image in the sandbox.

        Returns:
            The image.
        """
        if not accepts_images:
            return NO_IMAGE_INPUT.format(path=path)
        try:
            data = await sandbox().read_file(path, text=False)
        except FileNotFoundError:
            raise ToolError(f"no file at {path}") from None
        except (IsADirectoryError, PermissionError) as ex:
            raise ToolError(f"cannot read {path}: {ex}") from None
        except OutputLimitExceededError:
            raise ToolError(f"{path} is larger than {MAX_IMAGE_BYTES // 2**20} MiB") from None
        if len(data) > MAX_IMAGE_BYTES:
            raise ToolError(f"{path} is larger than {MAX_IMAGE_BYTES // 2**20} MiB")
        mime, encoded = _encode(data, path)
        return [
            ContentText(text=f"{path}:"),
            ContentImage(image=f"data:{mime};base64,{encoded}"),
        ]

    return execute
