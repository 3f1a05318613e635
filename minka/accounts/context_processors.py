from .permissions import MANAGE_BUDGETS, VIEW_BOOKS, VIEW_CREDIT, VIEW_GOVERNANCE, has_capability


def capabilities(request):
    """What the menu shows beyond what every signed-in user sees."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_see_books": False, "can_see_credit": False, "can_see_calls": False, "can_see_spaces": False,
                "can_see_budgets": False}
    from minka.incentives.selectors import takes_part

    return {"can_see_books": has_capability(user, VIEW_BOOKS), "can_see_credit": has_capability(user, VIEW_CREDIT),
            "can_see_calls": takes_part(user), "can_see_spaces": has_capability(user, VIEW_GOVERNANCE),
            "can_see_budgets": has_capability(user, MANAGE_BUDGETS)}
