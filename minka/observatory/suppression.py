"""Privacy by design for everything public: a figure built from fewer than 5 families is hidden
(primary suppression), and when a hidden figure could be recomputed from a shown total and its
shown siblings, more siblings are hidden until it cannot (complementary suppression)."""

MIN_HOUSEHOLDS = 5


def hidden_cells(cells, total_shown=True, withheld=()):
    """The keys to hide among sibling cells {key: households} that add up to a total; `withheld`
    cells are hidden for another reason (a community has not confirmed them) and are protected alike."""
    hidden = {key for key, households in cells.items() if 0 < households < MIN_HOUSEHOLDS or key in withheld}
    if total_shown and len(hidden) == 1:
        # One hidden cell = the total minus the others: hide the smallest other non-empty one too.
        others = sorted((households, key) for key, households in cells.items() if key not in hidden and households)
        if others:
            hidden.add(others[0][1])
        else:  # nothing else to hide: the total would give it away, so the caller hides the total
            hidden.add(None)
    return hidden
