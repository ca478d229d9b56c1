"""Image resizing shared by the builders and the readers (one definition, so that an image
prepared at a size and one resized when read agree bit for bit)."""
from __future__ import annotations

import numpy as np


def resize(image_HxWxC: np.ndarray, side: int) -> np.ndarray:
  """Bilinear resize to ``side x side`` (PIL), each channel on its own, uint8 in and out; aspect
  ratio not kept. For RGB this equals PIL's RGB resize exactly."""
  from PIL import Image
  if image_HxWxC.shape[:2] == (side, side):
    return image_HxWxC
  return np.stack([np.asarray(Image.fromarray(image_HxWxC[..., c]).resize((side, side),
                                                                          Image.BILINEAR))
                   for c in range(image_HxWxC.shape[-1])], axis=-1)
