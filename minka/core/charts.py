"""Small charts drawn on the server as inline SVG: a few hundred bytes each, readable without
JavaScript on a slow phone. Larger analytical charts belong to the observatory."""

WIDTH, HEIGHT, PAD = 240, 60, 4


def _scale(values, low, high, size):
    span = (high - low) or 1
    return [size - PAD - (float(v) - low) / span * (size - 2 * PAD) for v in values]


def line_points(values):
    """Polyline coordinates for a series of numbers (oldest first)."""
    numbers = [float(v) for v in values]
    if not numbers:
        return ""
    low, high = min(numbers + [0.0]), max(numbers)
    ys = _scale(numbers, low, high, HEIGHT)
    step = (WIDTH - 2 * PAD) / max(len(numbers) - 1, 1)
    return " ".join(f"{PAD + i * step:.1f},{y:.1f}" for i, y in enumerate(ys))


def bars(values):
    """Rectangles (x, y, width, height) for non-negative bars; negative values are drawn as zero."""
    numbers = [max(float(v), 0.0) for v in values]
    if not numbers:
        return []
    high = max(numbers) or 1.0
    slot = (WIDTH - 2 * PAD) / len(numbers)
    result = []
    for i, value in enumerate(numbers):
        height = value / high * (HEIGHT - 2 * PAD)
        result.append((round(PAD + i * slot + slot * 0.15, 1), round(HEIGHT - PAD - height, 1),
                       round(slot * 0.7, 1), round(height, 1)))
    return result

